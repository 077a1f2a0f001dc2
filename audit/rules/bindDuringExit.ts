import type { Rule } from '../types.js';

export const bindDuringExit: Rule = {
  id: 'bind-during-exit',
  severity: 'warning',
  title: 'Bind of an mm while its exit is in progress',
  explanation:
    'A bind of an address space ran while another thread was inside that mm\'s exit (the MMU notifier release ' +
    'that tears down its io_mm). Depending on who takes the lock first, the bind finds the io_mm and bonds the ' +
    'device to a PASID that is about to be freed, or creates a second io_mm for a dying mm. Either way the device ' +
    'ends up with a PASID entry nobody will clean up, or DMA into an address space that is being destroyed. The ' +
    'v3 lookup skips io_mms whose count is already 0, but nothing serialises bind against a release in progress.',
  events: ['bind'],
  onStep({ result, calls }, report) {
    const e = result.event;
    if (e.type !== 'bind' || e.phase === 'enter') return;
    let exits: readonly number[];
    let related: readonly number[];
    if (e.phase === 'exit') {
      const call = calls.openCall(e.tid, 'bind');
      exits = call?.exitsDuring ?? [];
      related = call ? [call.seq, ...exits] : exits;
    } else {
      exits = calls.openExits(e.mm).filter((c) => c.tid !== e.tid).map((c) => c.seq);
      related = exits;
    }
    if (exits.length === 0) return;
    report({ seq: result.seq, related, entity: `mm:${e.mm}`,
      message: `bind of mm ${e.mm} on ${e.dev} overlapped its mm_exit (seq ${exits.join(', ')}) running on another thread` });
  },
};
