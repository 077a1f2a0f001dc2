import { deviceQueries } from '../../machines/deviceMachine.js';
import type { ReadonlyKernelState } from '../../replay/readonlyView.js';
import type { HistoryView } from '../history/index.js';
import { devPasid, effectiveRet } from '../stepInfo.js';
import type { Report, Rule } from '../types.js';

/**
 * In v3 an io_mm lives exactly as long as its bonds (plus transient references). In mainline
 * an mm keeps its PASID with no bond until mmdrop, so only an exited one is a leak there.
 */
function heldWithoutBond(state: ReadonlyKernelState, value: string, refs: number): boolean {
  return state.profile === 'v3' ? refs > 0 : value === 'exiting';
}

function scan(state: ReadonlyKernelState, history: HistoryView, seq: number, reported: Set<string>, report: Report): Set<string> {
  const leaks = new Set<string>();
  for (const [pasid, io] of state.ioMms) {
    const { mm, bonds, refs } = io.context;
    const allocSeq = history.pasids.get(pasid)?.allocSeq;
    if (bonds.length === 0 && heldWithoutBond(state, io.value, refs)) {
      const key = `${pasid}/-/${allocSeq}`;
      leaks.add(key);
      if (!reported.has(key)) report({ seq, related: [allocSeq], entity: `pasid:${pasid}`,
        message: `io_mm of mm ${mm} (PASID ${pasid}) is held with ${refs} reference${refs === 1 ? '' : 's'} and no bond` });
    }
    for (const b of bonds) {
      const dev = state.devices.get(b.dev);
      if (dev && deviceQueries.holdsBond(dev, pasid)) continue;
      const bond = history.bonds.get(b.dev, pasid);
      const key = `${pasid}/${b.dev}/${bond?.addedSeq}`;
      leaks.add(key);
      if (reported.has(key)) continue;
      const removed = history.devices.get(b.dev)?.removedSeq;
      report({ seq, related: [bond?.addedSeq, removed !== undefined && removed < seq ? removed : undefined],
        entity: devPasid(b.dev, pasid),
        message: `io_mm of mm ${mm} (PASID ${pasid}) keeps a bond on removed device ${b.dev}: its PASID is never freed` });
    }
  }
  return leaks;
}

/** Leaks found at the last check (each is reported once, while it lasts). */
interface LeakState {
  reported: Set<string>;
}

/** Checks at sva_shutdown, device_remove and the end of the trace; each leak is reported once. */
export const ioMmLeak: Rule<LeakState> = {
  id: 'io-mm-leak',
  severity: 'warning',
  title: 'io_mm (and its PASID) leaked',
  explanation:
    'An io_mm is still held although nothing can release it any more: it has no bond left (a reference was taken ' +
    'and never dropped), or its remaining bond belongs to a device that was removed, so no unbind or sva_shutdown ' +
    'will ever detach it. The PASID stays allocated and the mm\'s structures stay pinned for as long as the ' +
    'process lives; repeated device hot-unplug exhausts the PASID space and later binds fail with -ENOSPC.',
  events: ['sva_shutdown', 'device_remove'],
  onStep({ result, after, history }, report, state) {
    const e = result.event;
    if ((e.type !== 'sva_shutdown' && e.type !== 'device_remove') || e.phase === 'enter') return;
    if (effectiveRet(result) !== 0) return;
    state.reported = scan(after, history, result.seq, state.reported, report);
  },
  onEnd({ state: kernel, history, lastSeq }, report, state) {
    state.reported = scan(kernel, history, lastSeq, state.reported, report);
  },
  state: {
    init: () => ({ reported: new Set() }),
    toJSON: (s) => ({ reported: [...s.reported] }),
    fromJSON: (j) => ({ reported: new Set(j.reported) }),
  },
};
