import type { AnyStateMachine } from 'xstate';
import { unsupported } from './types.js';

/** The parts of a machine config the compiler reads. */
export interface NodeConfig {
  type?: string;
  initial?: unknown;
  context?: unknown;
  states?: Record<string, NodeConfig>;
  on?: Record<string, unknown>;
  entry?: unknown;
  exit?: unknown;
}

export interface TransitionConfig {
  target?: unknown;
  guard?: unknown;
  actions?: unknown;
}

const ROOT_KEYS = new Set(['type', 'id', 'initial', 'context', 'states', 'on', 'entry', 'exit', 'description', 'meta', 'types', 'schemas', 'version', 'output', 'tags']);
const STATE_KEYS = new Set(['states', 'type', 'on', 'entry', 'exit', 'description', 'meta', 'tags', 'output', 'id']);
const TRANSITION_KEYS = new Set(['target', 'guard', 'actions', 'description', 'meta', 'reenter']);
const FEATURES: Record<string, string> = {
  always: 'eventless transitions (always)',
  after: 'delayed transitions (after)',
  invoke: 'invoked actors (invoke)',
  states: 'nested states',
  history: 'history states',
  onDone: 'onDone transitions',
  reenter: 'reenter',
};

function checkKeys(id: string, cfg: object, allowed: Set<string>, where: string): void {
  for (const [key, value] of Object.entries(cfg)) {
    if (value === undefined || allowed.has(key)) continue;
    throw unsupported(id, FEATURES[key] ?? `config key '${key}'`, where);
  }
}

function checkType(id: string, type: unknown, allowed: readonly unknown[], where: string): void {
  if (allowed.includes(type)) return;
  throw unsupported(id, type === 'parallel' || type === 'history' ? `${type} states` : `state type '${String(type)}'`, where);
}

/** Flat machines only: a root with atomic or final children, none of them nested. */
export function checkStructure(id: string, root: NodeConfig): Record<string, NodeConfig> {
  checkKeys(id, root, ROOT_KEYS, 'root');
  checkType(id, root.type, [undefined, 'compound'], 'root');
  const states = root.states ?? {};
  if (Object.keys(states).length === 0) throw unsupported(id, 'a machine without states', 'root');
  if (typeof root.initial !== 'string' || !(root.initial in states)) throw unsupported(id, `initial ${JSON.stringify(root.initial)}`, 'root');
  for (const [key, state] of Object.entries(states)) {
    const where = `state '${key}'`;
    const nested = state.states && Object.keys(state.states).length > 0;
    if (nested) throw unsupported(id, FEATURES.states, where);
    checkType(id, state.type, [undefined, 'atomic', 'final'], where);
    checkKeys(id, state, STATE_KEYS, where);
  }
  return states;
}

/** The `on` entry for one event as a list of transition configs (XState's toTransitionConfigArray). */
export function transitionList(id: string, descriptor: string, value: unknown, where: string): TransitionConfig[] {
  if (descriptor === '*' || descriptor.endsWith('.*')) throw unsupported(id, `wildcard event '${descriptor}'`, where);
  const list = Array.isArray(value) ? value : [value];
  return list.map((t) => {
    if (t === undefined || typeof t === 'string') return { target: t };
    if (t === null || typeof t !== 'object') throw unsupported(id, `transition ${String(t)}`, where);
    checkKeys(id, t, TRANSITION_KEYS, where);
    if ((t as { reenter?: unknown }).reenter) throw unsupported(id, FEATURES.reenter, where);
    return t as TransitionConfig;
  });
}

/** A target as a top-level state key: a sibling key, `.key` from the root, or `#id`. Null: targetless. */
export function resolveTarget(
  machine: AnyStateMachine, states: Record<string, NodeConfig>, fromRoot: boolean, target: unknown, where: string,
): string | null {
  const id = machine.id;
  const list = target === undefined ? [] : Array.isArray(target) ? target : [target];
  if (list.length === 0) return null;
  if (list.length > 1) throw unsupported(id, 'multiple targets', where);
  const t = list[0];
  if (typeof t !== 'string') throw unsupported(id, `target ${String(t)}`, where);
  let key: string;
  if (t.startsWith('#')) {
    const node = machine.getStateNodeById(t);
    if (node.parent !== machine.root) throw unsupported(id, `nested target '${t}'`, where);
    key = node.key;
  } else if (fromRoot) {
    if (!t.startsWith('.')) throw unsupported(id, `root target '${t}'`, where);
    key = t.slice(1);
  } else {
    key = t;
  }
  if (!Object.prototype.hasOwnProperty.call(states, key)) throw unsupported(id, `target '${t}'`, where);
  return key;
}
