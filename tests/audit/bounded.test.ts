import { Session } from '../../session/session.js';
import { D0, D1, seedTopology, toEvents, type Ev } from '../support/given.js';

/**
 * A long run of ordinary churn: each process binds (PASID 1 every time), faults with a cycling
 * group index, is answered, then its driver unbinds (on 00:00.0) or it exits (on 00:01.0).
 */
function churn(cycles: number): Ev[] {
  const events: Ev[] = [...seedTopology()];
  for (let i = 0; i < cycles; i++) {
    const mm = `pid:${1000 + i}`;
    const dev = i % 2 === 0 ? D0 : D1;
    const group = i % 700;
    events.push({ type: 'bind', dev, mm, flags: 0 });
    events.push({ type: 'fault', dev, pasid: 1, addr: 0x1000n, perm: 'r', group, last: true });
    events.push({ type: 'page_response', dev, pasid: 1, group, code: 'success' });
    if (i % 2 === 0) {
      events.push({ type: 'unbind', dev: D0, pasid: 1, tid: 7, phase: 'enter' });
      events.push({ type: 'unbind', dev: D0, pasid: 1, tid: 7, phase: 'exit', ret: 0 });
    } else {
      events.push({ type: 'mm_exit', mm });
    }
  }
  return events;
}

describe('audit memory', () => {
  it('follows the live working set, not the trace length', () => {
    const session = new Session();
    let peak: Record<string, number> = {};
    for (const e of toEvents(churn(3000))) {
      session.step(e);
      peak = session.auditor!.memory();
    }
    expect(session.finish()).toEqual([]);
    expect(peak.bonds).toBeLessThanOrEqual(4);
    expect(peak.pasids).toBeLessThanOrEqual(4);
    expect(peak.groups).toBeLessThanOrEqual(1024);
    expect(peak.open).toBe(0);
    expect(peak.updates).toBe(0);
  });
});
