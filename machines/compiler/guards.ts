import { NO_PARAMS, paramsResolver } from './actions.js';
import { unsupported, type GuardFn } from './types.js';

type AnyFn = (...args: any[]) => any;

/**
 * A transition's guard: a named guard (`'name'` or `{ type, params? }`) or an inline function.
 * Higher-order guards (and/or/not/stateIn carry `check`) and guards naming guards are refused.
 */
export function compileGuard(machineId: string, guards: Record<string, unknown>, guard: unknown, where: string): GuardFn | null {
  if (guard === undefined) return null;
  if (typeof guard === 'function') {
    if ('check' in guard) throw unsupported(machineId, 'a higher-order guard (and/or/not/stateIn)', where);
    return (context, event) => (guard as AnyFn)({ context, event }, undefined);
  }
  let name: string;
  let params: unknown = NO_PARAMS;
  if (typeof guard === 'string') name = guard;
  else if (guard !== null && typeof guard === 'object' && typeof (guard as { type?: unknown }).type === 'string') {
    const g = guard as { type: string; params?: unknown };
    name = g.type;
    if ('params' in g) params = g.params;
  } else {
    throw unsupported(machineId, `guard ${String(guard)}`, where);
  }
  const impl = guards[name];
  if (typeof impl !== 'function') throw unsupported(machineId, `guard '${name}' without a function implementation`, where);
  if ('check' in impl) throw unsupported(machineId, `guard '${name}' implemented by a higher-order guard`, where);
  const resolve = paramsResolver(params);
  return (context, event) => (impl as AnyFn)({ context, event }, resolve(context, event));
}
