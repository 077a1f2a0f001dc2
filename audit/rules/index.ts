import type { AnyRule } from '../types.js';
import { bindDuringExit } from './bindDuringExit.js';
import { concurrentDomainUpdate } from './concurrentDomainUpdate.js';
import { detachWithBonds } from './detachWithBonds.js';
import { divergence } from './divergence.js';
import { doubleFree } from './doubleFree.js';
import { faultAfterExit } from './faultAfterExit.js';
import { faultUnboundPasid } from './faultUnboundPasid.js';
import { implicitEntity } from './implicitEntity.js';
import { ioMmLeak } from './ioMmLeak.js';
import { nonSvaPasid } from './nonSvaPasid.js';
import { orphanPageResponse } from './orphanPageResponse.js';
import { pasidFreedPendingFaults } from './pasidFreedPendingFaults.js';
import { pasidOutOfRange } from './pasidOutOfRange.js';
import { pasidOwnerConflict } from './pasidOwnerConflict.js';
import { stalePageResponse } from './stalePageResponse.js';
import { stalePasidUnbind } from './stalePasidUnbind.js';
import { unbindAfterExit } from './unbindAfterExit.js';
import { unmatchedPhase } from './unmatchedPhase.js';
import { unseenState } from './unseenState.js';

/**
 * Every rule of audit-rules.md, in the order of that table, then the extensions. Frozen: a
 * rule keeps no state of its own (what it remembers is its declared `state`, checkpointed).
 */
const ALL: AnyRule[] = [
  divergence, stalePasidUnbind, unbindAfterExit, pasidFreedPendingFaults, stalePageResponse, orphanPageResponse,
  faultUnboundPasid, bindDuringExit, nonSvaPasid, pasidOwnerConflict, pasidOutOfRange, concurrentDomainUpdate,
  detachWithBonds, ioMmLeak, doubleFree, implicitEntity, unmatchedPhase, faultAfterExit, unseenState,
];
export const RULES: readonly AnyRule[] = Object.freeze(ALL.map((r) => Object.freeze(r)));
