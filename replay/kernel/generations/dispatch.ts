import type { TraceEvent } from '../../../events/types.js';
import { OK, type Outcome } from '../outcome.js';
import type { KernelStore } from '../store.js';
import { generationBind } from './bind.js';
import { generationMmDrop, generationMmExit } from './mmExit.js';
import { generationSvaShutdown, generationUnbind } from './unbind.js';

/**
 * The requests whose rules a mainline generation changes (kernel-generations.md); undefined
 * for the others, which follow sva-model.md. CPU TLB invalidations cause no op in the
 * generations' records.
 */
export function applyGenerationEvent(k: KernelStore, e: TraceEvent): Outcome | undefined {
  switch (e.type) {
    case 'bind': return generationBind(k, e);
    case 'unbind': return generationUnbind(k, e);
    case 'mm_exit': return generationMmExit(k, e);
    case 'mm_drop': return generationMmDrop(k, e);
    case 'sva_shutdown': return generationSvaShutdown(k, e);
    case 'invalidate': return OK;
    default: return undefined;
  }
}
