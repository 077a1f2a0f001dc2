import { detachWithBonds, doubleFree, nonSvaPasid, staleUnbind, unbindAfterExit } from './bondRaces.js';
import type { Sim } from './context.js';
import { presentDevs } from './devices.js';
import { faultUnbound, freedWithPartials, orphanResponse, stalePageResponse } from './faultRaces.js';
import type { RaceSite, Step } from './raceKit.js';
import type { InjectRule } from './rules.js';

const RACES: Readonly<Record<InjectRule, (site: RaceSite) => Step[]>> = {
  'stale-pasid-unbind': staleUnbind,
  'pasid-freed-pending-faults': freedWithPartials,
  'stale-page-response': stalePageResponse,
  'non-sva-pasid': nonSvaPasid,
  'detach-with-bonds': detachWithBonds,
  'unbind-after-exit': unbindAfterExit,
  'fault-unbound-pasid': faultUnbound,
  'orphan-page-response': orphanResponse,
  'double-free': doubleFree,
};

/** The script that plants `rule` on a random present device (there is always one). */
export function planInjection(s: Sim, rule: InjectRule): Step[] {
  const devs = presentDevs(s);
  return RACES[rule]({ s, dev: s.rng.pick(devs), devs });
}

export type { Step };
