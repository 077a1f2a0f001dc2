import { pick, rows, SEED } from './support.js';

/**
 * The seed's diagram (sva-model.md, patch 03): domain A holds 00:00.0, domain B 00:01.0 and
 * 00:01.1. Line 1 is a comment, so the events are seqs 2..16 (seq defaults to the line).
 * bind(00:00.0, X) allocates io_mm X with the lowest free PASID, 1; bind(00:00.0, Y) a new
 * io_mm with PASID 2; the binds of Y on 00:01.0 and 00:01.1 find io_mm Y and attach it, the
 * second one with attach_domain=false since Y already has a bond in domain B.
 */
describe('sql tables of the seed diagram', () => {
  it('events: one row per line, typed fields and the raw line', async () => {
    const ev = await rows(SEED, 'select seq, line, type, dev, domain, mm, flags, features, min_pasid, max_pasid, raw from events order by seq');
    expect(ev.map((e) => e.seq)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect(ev.map((e) => e.type)).toEqual([
      'domain_alloc', 'domain_alloc', 'device_add', 'device_add', 'device_add', 'attach_dev', 'attach_dev', 'attach_dev',
      'sva_init', 'sva_init', 'sva_init', 'bind', 'bind', 'bind', 'bind',
    ]);
    expect(ev[0]).toMatchObject({ line: 2, domain: 'A', dev: null, raw: '{"type":"domain_alloc","domain":"A"}' });
    expect(ev[8]).toMatchObject({ dev: '0000:00:00.0', features: 1, min_pasid: 1, max_pasid: 1048575 });
    expect(pick(ev.slice(11), 'dev', 'mm', 'flags')).toEqual([
      { dev: '0000:00:00.0', mm: 'X', flags: 0 },
      { dev: '0000:00:00.0', mm: 'Y', flags: 0 },
      { dev: '0000:00:01.0', mm: 'Y', flags: 0 },
      { dev: '0000:00:01.1', mm: 'Y', flags: 0 },
    ]);
  });

  it('results: every event succeeds; the binds return PASIDs 1, 2, 2, 2', async () => {
    const rs = await rows(SEED, 'select seq, ret, errno, pasid, ops, divergent from results order by seq');
    expect(rs).toHaveLength(15);
    expect(rs.every((r) => r.ret === 0 && r.errno === null && r.divergent === false)).toBe(true);
    expect(pick(rs.slice(11), 'seq', 'pasid', 'ops')).toEqual([
      { seq: 13, pasid: 1, ops: 2 },
      { seq: 14, pasid: 2, ops: 2 },
      { seq: 15, pasid: 2, ops: 1 },
      { seq: 16, pasid: 2, ops: 1 },
    ]);
  });

  it('ops: mm_alloc then mm_attach for a new io_mm, mm_attach alone for a found one', async () => {
    const ops = await rows(SEED, 'select seq, "index", op, domain, dev, mm, pasid, attach_domain from ops order by seq, "index"');
    expect(ops).toEqual([
      { seq: 13, index: 0, op: 'mm_alloc', domain: 'A', dev: null, mm: 'X', pasid: null, attach_domain: null },
      { seq: 13, index: 1, op: 'mm_attach', domain: 'A', dev: '0000:00:00.0', mm: null, pasid: 1, attach_domain: true },
      { seq: 14, index: 0, op: 'mm_alloc', domain: 'A', dev: null, mm: 'Y', pasid: null, attach_domain: null },
      { seq: 14, index: 1, op: 'mm_attach', domain: 'A', dev: '0000:00:00.0', mm: null, pasid: 2, attach_domain: true },
      { seq: 15, index: 0, op: 'mm_attach', domain: 'B', dev: '0000:00:01.0', mm: null, pasid: 2, attach_domain: true },
      { seq: 16, index: 0, op: 'mm_attach', domain: 'B', dev: '0000:00:01.1', mm: null, pasid: 2, attach_domain: false },
    ]);
  });

  it('pasid_lifetimes: PASID 1 (mm X) from seq 13 and PASID 2 (mm Y) from seq 14, both live at the end', async () => {
    expect(await rows(SEED, 'select pasid, owner, mm, from_seq, to_seq, ended_by from pasid_lifetimes order by pasid')).toEqual([
      { pasid: 1, owner: 'sva', mm: 'X', from_seq: 13, to_seq: null, ended_by: null },
      { pasid: 2, owner: 'sva', mm: 'Y', from_seq: 14, to_seq: null, ended_by: null },
    ]);
  });

  it('bonds: one on PASID 1, three on PASID 2, each with the domain of its device', async () => {
    expect(await rows(SEED, 'select dev, pasid, mm, domain, from_seq, to_seq, ended_by from bonds order by from_seq')).toEqual([
      { dev: '0000:00:00.0', pasid: 1, mm: 'X', domain: 'A', from_seq: 13, to_seq: null, ended_by: null },
      { dev: '0000:00:00.0', pasid: 2, mm: 'Y', domain: 'A', from_seq: 14, to_seq: null, ended_by: null },
      { dev: '0000:00:01.0', pasid: 2, mm: 'Y', domain: 'B', from_seq: 15, to_seq: null, ended_by: null },
      { dev: '0000:00:01.1', pasid: 2, mm: 'Y', domain: 'B', from_seq: 16, to_seq: null, ended_by: null },
    ]);
  });

  it('findings, page_requests and calls: none (a clean trace with no faults and no phased calls)', async () => {
    const counts = await rows(SEED, 'select (select count(*) from findings) f, (select count(*) from page_requests) p, (select count(*) from calls) c');
    expect(counts).toEqual([{ f: 0, p: 0, c: 0 }]);
  });

  it('live_pasids_at: PASID 1 alone after seq 13, both after 14', async () => {
    expect(await rows(SEED, 'select pasid from live_pasids_at(12)')).toEqual([]);
    expect(await rows(SEED, 'select pasid from live_pasids_at(13)')).toEqual([{ pasid: 1 }]);
    expect(await rows(SEED, 'select pasid from live_pasids_at(14) order by 1')).toEqual([{ pasid: 1 }, { pasid: 2 }]);
  });
});
