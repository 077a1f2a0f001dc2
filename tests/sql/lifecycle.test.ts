import { LIFECYCLE, pick, rows } from './support.js';

/**
 * tests/fixtures/sql/lifecycle.jsonl, derived by hand from sva-model.md: devices 02.0 and 03.0
 * in domain A, both with IOPF and PASID range [1, 255]; 04.0 joins later.
 */
describe('sql tables of a lifecycle with faults, exits and a phased call', () => {
  it('pasid_lifetimes: PASID 1 three times (unbind, mm exit, live), the aux PASID 100 until pasid_free', async () => {
    const rs = await rows(LIFECYCLE, 'select pasid, owner, mm, dev, from_seq, to_seq, from_ts, to_ts, ended_by from pasid_lifetimes order by from_seq');
    expect(rs).toEqual([
      // pasid_alloc with min 100: the lowest free PASID of [100, 200].
      { pasid: 100, owner: 'aux', mm: null, dev: '0000:00:03.0', from_seq: 8, to_seq: 20, from_ts: 1.01, to_ts: 7, ended_by: 'pasid_free' },
      // The bind's exit line (seq 10) is where the call's outcome is computed; its last bond's unbind frees PASID 1.
      { pasid: 1, owner: 'sva', mm: 'X', dev: null, from_seq: 10, to_seq: 16, from_ts: 2.004, to_ts: 4, ended_by: 'unbind' },
      // A freed PASID is immediately reusable: bind(03.0, Y) takes 1 again; mm exit releases the io_mm.
      { pasid: 1, owner: 'sva', mm: 'Y', dev: null, from_seq: 17, to_seq: 19, from_ts: 5, to_ts: 6, ended_by: 'mm_exit' },
      { pasid: 1, owner: 'sva', mm: 'Z', dev: null, from_seq: 21, to_seq: null, from_ts: 7.1, to_ts: null, ended_by: null },
    ]);
  });

  it('bonds: ended by unbind, by mm exit, and one live', async () => {
    expect(await rows(LIFECYCLE, 'select dev, pasid, mm, domain, from_seq, to_seq, ended_by from bonds order by from_seq')).toEqual([
      { dev: '0000:00:02.0', pasid: 1, mm: 'X', domain: 'A', from_seq: 10, to_seq: 16, ended_by: 'unbind' },
      { dev: '0000:00:03.0', pasid: 1, mm: 'Y', domain: 'A', from_seq: 17, to_seq: 19, ended_by: 'mm_exit' },
      { dev: '0000:00:02.0', pasid: 1, mm: 'Z', domain: 'A', from_seq: 21, to_seq: null, ended_by: null },
    ]);
  });

  it('page_requests: answered, answered invalid, flushed, dropped, left partial, left pending', async () => {
    const rs = await rows(LIFECYCLE, 'select dev, pasid, grp, requests, first_seq, last_seq, response_seq, code, closed_by, latency from page_requests order by first_seq');
    expect(pick(rs, 'dev', 'grp', 'requests', 'first_seq', 'last_seq', 'response_seq', 'code', 'closed_by')).toEqual([
      // Group 1: a partial then the last request; routed to X, answered success at 13.
      { dev: '0000:00:02.0', grp: 1, requests: 2, first_seq: 11, last_seq: 12, response_seq: 13, code: 'success', closed_by: 'response' },
      // Group 2: routed, then unbind flushes it (iopf_flush before mm_detach).
      { dev: '0000:00:02.0', grp: 2, requests: 1, first_seq: 14, last_seq: 14, response_seq: 16, code: null, closed_by: 'flush' },
      // 03.0 has no bond on PASID 1 yet: answered invalid at once.
      { dev: '0000:00:03.0', grp: 3, requests: 1, first_seq: 15, last_seq: 15, response_seq: 15, code: 'invalid', closed_by: 'invalid' },
      // A partial request: no flush clears it (mm exit at 19 flushes), it is still queued at the end.
      { dev: '0000:00:03.0', grp: 5, requests: 1, first_seq: 18, last_seq: null, response_seq: null, code: null, closed_by: null },
      // Routed to Z and never answered.
      { dev: '0000:00:02.0', grp: 6, requests: 1, first_seq: 22, last_seq: 22, response_seq: null, code: null, closed_by: null },
      // A partial on 04.0, dropped with the device's queue at sva_shutdown.
      { dev: '0000:00:04.0', grp: 9, requests: 1, first_seq: 26, last_seq: null, response_seq: 27, code: null, closed_by: 'dropped' },
    ]);
    expect(rs[0].latency as number).toBeCloseTo(0.01, 9);
    expect(rs[2].latency).toBe(0);
  });

  it('calls: the bind logged as enter (seq 9) and exit (seq 10) by tid 10', async () => {
    const [call, ...rest] = await rows(LIFECYCLE, 'select * from calls');
    expect(rest).toEqual([]);
    expect(call).toMatchObject({ tid: 10, type: 'bind', enter_seq: 9, exit_seq: 10, enter_ts: 2, exit_ts: 2.004 });
    expect(call.duration as number).toBeCloseTo(0.004, 9);
  });

  it('ops: unbind flushes then detaches then frees; mm exit calls the driver first', async () => {
    expect(await rows(LIFECYCLE, "select seq, op from ops where seq in (16, 19) order by seq, \"index\"")).toEqual([
      { seq: 16, op: 'iopf_flush' }, { seq: 16, op: 'mm_detach' }, { seq: 16, op: 'mm_free' },
      { seq: 19, op: 'mm_exit' }, { seq: 19, op: 'iopf_flush' }, { seq: 19, op: 'mm_detach' }, { seq: 19, op: 'mm_free' },
    ]);
  });

  it('findings: late faults on unbound PASIDs, and PASID 1 freed at mm exit with a partial request queued', async () => {
    expect(await rows(LIFECYCLE, 'select rule, severity, seq, entity, related from findings order by seq')).toEqual([
      { rule: 'fault-unbound-pasid', severity: 'warning', seq: 15, entity: '0000:00:03.0/pasid:1', related: [] },
      { rule: 'pasid-freed-pending-faults', severity: 'error', seq: 19, entity: '0000:00:03.0/pasid:1', related: [18] },
      { rule: 'fault-unbound-pasid', severity: 'warning', seq: 26, entity: '0000:00:04.0/pasid:1', related: [] },
    ]);
  });

  it('events keep the envelope and typed fault fields; results the phased call\'s enter', async () => {
    const [fault] = await rows(LIFECYCLE, 'select ts, addr, perm, grp, last from events where seq = 11');
    expect(fault).toEqual({ ts: 3, addr: 4096, perm: 'r', grp: 1, last: false });
    const [exit] = await rows(LIFECYCLE, 'select tid, comm, phase, ret from events where seq = 10');
    expect(exit).toEqual({ tid: 10, comm: 'app', phase: 'exit', ret: 0 });
    expect(await rows(LIFECYCLE, 'select enter_seq from results where seq = 10')).toEqual([{ enter_seq: 9 }]);
  });

  it('the macros: what is live and in flight after a seq', async () => {
    expect(await rows(LIFECYCLE, 'select pasid, mm from live_pasids_at(18) order by pasid')).toEqual([{ pasid: 1, mm: 'Y' }, { pasid: 100, mm: null }]);
    expect(await rows(LIFECYCLE, 'select dev, mm from live_bonds_at(16)')).toEqual([]);
    expect(await rows(LIFECYCLE, 'select grp from page_requests_in_flight_at(14) order by grp')).toEqual([{ grp: 2 }]);
  });
});
