import type { AnyStateMachine } from 'xstate';
import type { Effect } from '../snapshot.js';
import { compileActions, type ActionScope } from './actions.js';
import { compileGuard } from './guards.js';
import { checkStructure, resolveTarget, transitionList, type NodeConfig, type TransitionConfig } from './structure.js';
import type { Action, Candidate, CompiledMachine, Ctx, GuardFn } from './types.js';

export type { Candidate, CompiledMachine } from './types.js';

const cache = new WeakMap<AnyStateMachine, CompiledMachine>();

/**
 * Flat transition tables for a flat XState v5 machine, built once per machine object from its
 * public definition (`machine.config`, `machine.implementations`). Throws, naming the machine
 * and the feature, on anything the compiled engine would not reproduce exactly.
 */
export function compileMachine(machine: AnyStateMachine): CompiledMachine {
  let compiled = cache.get(machine);
  if (!compiled) {
    compiled = build(machine);
    cache.set(machine, compiled);
  }
  return compiled;
}

function finish(guard: GuardFn | null, target: string | null, actions: Action[]): Candidate {
  const fixed: Effect[] = [];
  for (const a of actions) {
    if (a.kind !== 'effect') continue;
    if (a.fixed === null) return { guard, target, fixedEffects: null, actions };
    fixed.push(a.fixed);
  }
  return { guard, target, fixedEffects: Object.freeze(fixed), actions: actions.filter((a) => a.kind === 'assign') };
}

function contextFactory(context: unknown): (input: unknown) => Ctx {
  // XState merges the factory's result into `{}` like an assign; a static context is shared as is.
  if (typeof context === 'function') return (input) => Object.assign({}, context({ input }));
  if (context) return () => context as Ctx;
  return () => ({});
}

function build(machine: AnyStateMachine): CompiledMachine {
  const id = machine.id;
  const root = machine.config as NodeConfig;
  const states = checkStructure(id, root);
  const scope: ActionScope = { machineId: id, implementations: machine.implementations.actions as Record<string, unknown> };
  const guards = machine.implementations.guards as Record<string, unknown>;
  const entry = new Map<string, Action[]>();
  const exit = new Map<string, Action[]>();
  for (const [key, s] of Object.entries(states)) {
    entry.set(key, compileActions(scope, s.entry, `state '${key}' entry`));
    exit.set(key, compileActions(scope, s.exit, `state '${key}' exit`));
  }
  const rootEntry = compileActions(scope, root.entry, 'root entry');
  const rootExit = compileActions(scope, root.exit, 'root exit');
  const isFinal = (key: string) => states[key].type === 'final';
  /** Reaching (or being in) a top-level final state makes the snapshot done: XState then runs every active node's exit. */
  const doneExits = (key: string) => [...exit.get(key)!, ...rootExit];

  // Parsed once per (node, event); root transitions get a candidate per state, since exits depend on it.
  const parse = (node: NodeConfig, fromRoot: boolean, where: string) =>
    Object.entries(node.on ?? {}).map(([event, value]) => {
      const at = `${where}, event '${event}'`;
      const list = transitionList(id, event, value, at).map((t: TransitionConfig) => ({
        guard: compileGuard(id, guards, t.guard, at),
        target: resolveTarget(machine, states, fromRoot, t.target, at),
        actions: compileActions(scope, t.actions, at),
      }));
      return [event, list] as const;
    });
  const rootOn = parse(root, true, 'root');

  const table = new Map<string, Map<string, Candidate[]>>();
  for (const source of Object.keys(states)) {
    const row = new Map<string, Candidate[]>();
    const add = (parsed: ReturnType<typeof parse>, fromRoot: boolean) => {
      for (const [event, list] of parsed) {
        const candidates = row.get(event) ?? [];
        for (const t of list) {
          // A root transition exits and re-enters even the current state; a state's self-target does not.
          const moves = t.target !== null && (fromRoot || t.target !== source);
          const actions = moves ? [...exit.get(source)!, ...t.actions, ...entry.get(t.target!)!] : [...t.actions];
          if (isFinal(source) || (moves && isFinal(t.target!))) actions.push(...doneExits(t.target ?? source));
          candidates.push(finish(t.guard, t.target, actions));
        }
        row.set(event, candidates);
      }
    };
    add(parse(states[source], false, `state '${source}'`), false);
    add(rootOn, true);
    table.set(source, row);
  }

  const first = root.initial as string;
  const initialActions = [...rootEntry, ...entry.get(first)!, ...(isFinal(first) ? doneExits(first) : [])];
  return { id, initialContext: contextFactory(root.context), initial: finish(null, first, initialActions), table };
}
