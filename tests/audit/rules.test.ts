import { RULES } from '../../audit/rules/index.js';
import type { Profile } from '../../replay/kernel/state.js';
import { auditFile, brief, type Expect } from './auditFile.js';

const D0 = '0000:00:01.0';
const D1 = '0000:00:01.1';

/** Each fixture and every finding it must give, written by hand from audit-rules.md. */
const CASES: { file: string; profile?: Profile; expect: Expect[] }[] = [
  { file: 'divergence.fires.jsonl', expect: [{ rule: 'divergence', seq: 5, related: [], entity: `${D0}/pasid:2` }] },
  { file: 'divergence.silent.jsonl', expect: [] },
  { file: 'divergence.unbind-after-exit.fires.jsonl', expect: [
    { rule: 'divergence', seq: 7, related: [6], entity: `${D0}/pasid:1` },
    { rule: 'implicit-entity', seq: 7, related: [] }] },
  { file: 'stale-pasid-unbind.fires.jsonl', expect: [{ rule: 'stale-pasid-unbind', seq: 8, related: [6, 7], entity: `${D0}/pasid:1` }] },
  { file: 'stale-pasid-unbind.silent.jsonl', expect: [] },
  { file: 'stale-pasid-unbind.own-tid.silent.jsonl', expect: [] },
  { file: 'stale-pasid-unbind.old-tid.fires.jsonl', expect: [{ rule: 'stale-pasid-unbind', seq: 8, related: [6, 7], entity: `${D0}/pasid:1` }] },
  { file: 'stale-pasid-unbind.settled.silent.jsonl', expect: [{ rule: 'unbind-after-exit', seq: 7, related: [5, 6] }] },
  { file: 'unbind-after-exit.fires.jsonl', expect: [{ rule: 'unbind-after-exit', seq: 7, related: [5, 6], entity: `${D0}/pasid:1` }] },
  { file: 'unbind-after-exit.silent.jsonl', expect: [] },
  { file: 'pasid-freed-pending-faults.fires.jsonl', expect: [{ rule: 'pasid-freed-pending-faults', seq: 7, related: [6], entity: `${D0}/pasid:1` }] },
  { file: 'pasid-freed-pending-faults.silent.jsonl', expect: [] },
  { file: 'stale-page-response.fires.jsonl', expect: [{ rule: 'stale-page-response', seq: 9, related: [6, 7, 8], entity: `${D0}/pasid:1` }] },
  { file: 'stale-page-response.silent.jsonl', expect: [] },
  { file: 'orphan-page-response.fires.jsonl', expect: [{ rule: 'orphan-page-response', seq: 8, related: [6, 7], entity: `${D0}/pasid:1` }] },
  { file: 'orphan-page-response.after-flush.fires.jsonl', expect: [{ rule: 'orphan-page-response', seq: 8, related: [6, 7] }] },
  { file: 'orphan-page-response.op-line.fires.jsonl', expect: [
    { rule: 'divergence', seq: 8, related: [7] },
    { rule: 'orphan-page-response', seq: 8, related: [6, 7], entity: `${D0}/pasid:1` }] },
  { file: 'orphan-page-response.never-raised.fires.jsonl', expect: [{ rule: 'orphan-page-response', seq: 6, related: [5] }] },
  { file: 'orphan-page-response.silent.jsonl', expect: [] },
  { file: 'fault-unbound-pasid.fires.jsonl', expect: [{ rule: 'fault-unbound-pasid', seq: 7, related: [5, 6], entity: `${D0}/pasid:1` }] },
  { file: 'fault-unbound-pasid.silent.jsonl', expect: [] },
  // The exit then detaches the bond the racing bind made, in domain B, on the other thread.
  { file: 'bind-during-exit.fires.jsonl', expect: [
    { rule: 'bind-during-exit', seq: 12, related: [10, 11], entity: 'mm:X' },
    { rule: 'concurrent-domain-update', seq: 13, related: [10, 11, 12], entity: 'domain:B' }] },
  { file: 'bind-during-exit.exit-inside-bind.fires.jsonl', expect: [
    { rule: 'bind-during-exit', seq: 12, related: [10, 11] },
    { rule: 'concurrent-domain-update', seq: 13, related: [10, 11, 12] }] },
  { file: 'bind-during-exit.atomic.fires.jsonl', expect: [
    { rule: 'bind-during-exit', seq: 11, related: [10] },
    { rule: 'concurrent-domain-update', seq: 12, related: [10, 11] }] },
  { file: 'bind-during-exit.silent.jsonl', expect: [] },
  { file: 'non-sva-pasid.fires.jsonl', expect: [
    { rule: 'non-sva-pasid', seq: 6, related: [5], entity: `${D0}/pasid:1` },
    { rule: 'non-sva-pasid', seq: 7, related: [5], entity: `${D0}/pasid:1` },
    { rule: 'non-sva-pasid', seq: 9, related: [8], entity: 'pasid:2' },
    { rule: 'divergence', seq: 10, related: [] },
    { rule: 'non-sva-pasid', seq: 10, related: [5], entity: `${D0}/pasid:1` }] },
  { file: 'non-sva-pasid.silent.jsonl', expect: [] },
  { file: 'pasid-owner-conflict.fires.jsonl', expect: [
    { rule: 'divergence', seq: 10, related: [] },
    { rule: 'pasid-owner-conflict', seq: 10, related: [9], entity: 'pasid:2' },
    { rule: 'divergence', seq: 11, related: [] },
    { rule: 'pasid-owner-conflict', seq: 11, related: [9], entity: `${D1}/pasid:2` }] },
  { file: 'pasid-owner-conflict.silent.jsonl', expect: [] },
  // 5.17: the PASID is handed to mm B at seq 11; the device's next request (seq 12) lands in B's mm.
  { file: 'pasid-owner-conflict.v5.17.fires.jsonl', profile: '5.17', expect: [
    { rule: 'pasid-owner-conflict', seq: 11, related: [9, 10], entity: 'pasid:1' },
    { rule: 'fault-unbound-pasid', seq: 12, related: [9], entity: `${D0}/pasid:1` }] },
  // The same trace under 5.18 and 6.8: the PASID stays with A until A is dropped, so B gets PASID 2,
  // and the late request on the blocked entry is answered invalid: info (kernel-generations.md).
  { file: 'pasid-owner-conflict.v5.17.fires.jsonl', profile: '5.18', expect: [
    { rule: 'fault-after-exit', seq: 12, related: [9], entity: `${D0}/pasid:1` }] },
  { file: 'pasid-owner-conflict.v5.17.fires.jsonl', profile: '6.8', expect: [
    { rule: 'fault-after-exit', seq: 12, related: [9], entity: `${D0}/pasid:1` }] },
  // Under v3 mm exit tears the bond down: the late request is a fault on an unbound PASID.
  { file: 'pasid-owner-conflict.v5.17.fires.jsonl', profile: 'v3', expect: [
    { rule: 'fault-unbound-pasid', seq: 12, related: [9, 10], entity: `${D0}/pasid:1` }] },
  // 6.8: a request after mm exit while the handle stands is info (a device with no sva_init binds: 6.16 has none).
  { file: 'fault-after-exit.fires.jsonl', profile: '6.8', expect: [
    { rule: 'fault-after-exit', seq: 6, related: [2], entity: `${D0}/pasid:1` }] },
  { file: 'fault-after-exit.silent.jsonl', profile: '6.8', expect: [] },
  { file: 'unseen-state.fires.jsonl', profile: '6.8', expect: [{ rule: 'unseen-state', seq: 3, related: [], entity: '0000:6a:01.0' }] },
  { file: 'unseen-state.silent.jsonl', profile: '6.8', expect: [] },
  { file: 'pasid-out-of-range.fires.jsonl', expect: [
    { rule: 'pasid-out-of-range', seq: 11, related: [7, 10], entity: `${D1}/pasid:3` },
    { rule: 'pasid-out-of-range', seq: 12, related: [7], entity: `${D1}/pasid:5` }] },
  { file: 'pasid-out-of-range.silent.jsonl', expect: [] },
  { file: 'pasid-out-of-range.mainline.fires.jsonl', profile: '6.8', expect: [{ rule: 'pasid-out-of-range', seq: 11, related: [7, 10] }] },
  // Under v3 the same -EOVERFLOW is not what the kernel answers: a divergence, not a range finding.
  { file: 'pasid-out-of-range.mainline.fires.jsonl', profile: 'v3', expect: [{ rule: 'divergence', seq: 11, related: [] }] },
  { file: 'concurrent-domain-update.fires.jsonl', expect: [{ rule: 'concurrent-domain-update', seq: 11, related: [8, 9, 10], entity: 'domain:A' }] },
  { file: 'concurrent-domain-update.silent.jsonl', expect: [] },
  { file: 'detach-with-bonds.fires.jsonl', expect: [{ rule: 'detach-with-bonds', seq: 6, related: [5], entity: D0 }] },
  { file: 'detach-with-bonds.silent.jsonl', expect: [] },
  { file: 'io-mm-leak.fires.jsonl', expect: [
    { rule: 'detach-with-bonds', seq: 6, related: [5], entity: D0 },
    { rule: 'io-mm-leak', seq: 6, related: [5], entity: `${D0}/pasid:1` }] },
  { file: 'io-mm-leak.silent.jsonl', expect: [] },
  { file: 'double-free.fires.jsonl', expect: [{ rule: 'double-free', seq: 7, related: [5, 6], entity: 'pasid:1' }] },
  { file: 'double-free.sva.fires.jsonl', expect: [{ rule: 'double-free', seq: 7, related: [5, 6] }] },
  { file: 'double-free.silent.jsonl', expect: [] },
  { file: 'implicit-entity.fires.jsonl', expect: [
    { rule: 'implicit-entity', seq: 1, related: [], entity: `device:${D0}` },
    { rule: 'implicit-entity', seq: 1, related: [], entity: `domain:implicit:${D0}` }] },
  { file: 'implicit-entity.silent.jsonl', expect: [] },
  { file: 'unmatched-phase.fires.jsonl', expect: [
    { rule: 'unmatched-phase', seq: 5, related: [] },
    { rule: 'unmatched-phase', seq: 7, related: [6] },
    { rule: 'unmatched-phase', seq: 9, related: [] }] },
  { file: 'unmatched-phase.silent.jsonl', expect: [] },
  { file: 'clean.jsonl', expect: [] },
];

describe('audit rules on their fixtures', () => {
  it.each(CASES.map((c) => [`${c.file}${c.profile ? ` (${c.profile})` : ''}`, c] as const))('%s', async (_name, c) => {
    const findings = await auditFile(c.file, c.profile);
    expect(brief(findings, c.expect)).toEqual(c.expect);
    for (const f of findings) {
      expect(f.message.length).toBeGreaterThan(10);
      expect(f.related.every((s) => s < f.seq)).toBe(true);
    }
  });

  it('has a firing and a silent fixture for every rule', () => {
    for (const rule of RULES) {
      const files = CASES.map((c) => c.file);
      expect(files).toContain(`${rule.id}.fires.jsonl`);
      expect(files).toContain(`${rule.id}.silent.jsonl`);
      const fires = CASES.find((c) => c.file === `${rule.id}.fires.jsonl`)!;
      expect(fires.expect.some((e) => e.rule === rule.id)).toBe(true);
    }
  });

  it('gives every rule an id, a title and an explanation paragraph', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const r of RULES) {
      expect(r.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(r.title.length).toBeGreaterThan(10);
      expect(r.explanation.length).toBeGreaterThan(200);
    }
  });
});
