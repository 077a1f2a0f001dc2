import type { Effect } from '../snapshot.js';
import { unsupported, type Action, type Ctx, type Evt } from './types.js';

type AnyFn = (...args: any[]) => any;
type Resolver = (context: Ctx, event: Evt) => unknown;

/** Marks "no params given" (distinct from a params value of undefined, though both resolve alike). */
export const NO_PARAMS = Symbol('no params');

/** XState resolves params against the context as it is when that action runs. */
export function paramsResolver(params: unknown): Resolver {
  if (params === NO_PARAMS) return () => undefined;
  if (typeof params === 'function') return (context, event) => (params as AnyFn)({ context, event });
  return () => params;
}

export interface ActionScope {
  readonly machineId: string;
  readonly implementations: Record<string, unknown>;
}

function assignAction(s: ActionScope, assignment: unknown, params: unknown, where: string): Action {
  const resolve = paramsResolver(params);
  if (typeof assignment === 'function') {
    return { kind: 'assign', update: (context, event) => assignment({ context, event }, resolve(context, event)) };
  }
  if (assignment === null || typeof assignment !== 'object') throw unsupported(s.machineId, 'an assign without assignment', where);
  const entries = Object.entries(assignment as Record<string, unknown>);
  return {
    kind: 'assign',
    update: (context, event) => {
      const args = { context, event };
      const p = resolve(context, event);
      const partial: Record<string, unknown> = {};
      for (const [key, v] of entries) partial[key] = typeof v === 'function' ? v(args, p) : v;
      return partial;
    },
  };
}

/** Like engine.ts `toEffects`: no `params` key when params resolve to undefined; `xstate.*` types dropped. */
function effectAction(type: string, params: unknown): Action | null {
  if (type.startsWith('xstate.')) return null;
  const build = (p: unknown): Effect => (p === undefined ? { type } : { type, params: p });
  if (typeof params === 'function') {
    return { kind: 'effect', fixed: null, make: (context, event) => build(params({ context, event })) };
  }
  const fixed = Object.freeze(build(params === NO_PARAMS ? undefined : params));
  return { kind: 'effect', fixed, make: () => fixed };
}

type Builtin = { type?: unknown; assignment?: unknown };

/** A built-in XState action object (assign, raise, sendTo, ...): a function with `resolve`. */
function builtin(s: ActionScope, impl: Builtin, params: unknown, where: string): Action {
  if (impl.type === 'xstate.assign') return assignAction(s, impl.assignment, params, where);
  throw unsupported(s.machineId, `the built-in action ${String(impl.type)}`, where);
}

function named(s: ActionScope, name: string, params: unknown, where: string): Action | null {
  const impl = s.implementations[name];
  if (impl === undefined) throw unsupported(s.machineId, `action '${name}' without implementation`, where);
  if (typeof impl !== 'function') throw unsupported(s.machineId, `action '${name}' implemented by a non-function`, where);
  if ('resolve' in impl) return builtin(s, impl as Builtin, params, `${where}, action '${name}'`);
  return effectAction(name, params);
}

function compileOne(s: ActionScope, item: unknown, where: string): Action | null {
  if (typeof item === 'string') return named(s, item, NO_PARAMS, where);
  if (typeof item === 'function') {
    if ('resolve' in item) return builtin(s, item as Builtin, NO_PARAMS, where);
    return effectAction(item.name || '(anonymous)', NO_PARAMS);
  }
  if (item !== null && typeof item === 'object' && typeof (item as { type?: unknown }).type === 'string') {
    const o = item as { type: string; params?: unknown };
    return named(s, o.type, 'params' in o ? o.params : NO_PARAMS, where);
  }
  throw unsupported(s.machineId, `action ${String(item)}`, where);
}

/** An `actions` / `entry` / `exit` config value (one item or an array) as compiled actions. */
export function compileActions(s: ActionScope, list: unknown, where: string): Action[] {
  if (list === undefined) return [];
  const items = Array.isArray(list) ? list : [list];
  const out: Action[] = [];
  for (const item of items) {
    const a = compileOne(s, item, where);
    if (a) out.push(a);
  }
  return out;
}
