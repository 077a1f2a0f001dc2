/**
 * Done-means of issue 11: captures of ordinary sessions on 5.15, 6.6 and 6.12, for Intel
 * VT-d, Arm SMMUv3 and AMD-Vi, in the tracefs and the trace-cmd rendering, import and audit
 * with 0 errors and 0 warnings under the profile the capture's header names. The captures are
 * in tests/fixtures/kernel (each header names the release and the driver); the Intel 6.6
 * tracefs and 6.12 trace-cmd ones are ../shared/examples/kernel's (tests/capture/examples.test.ts).
 *
 * Expected outcomes, from kernel-generations.md and kernel-ops.md:
 * - the PASID of each bind is what the kernel's allocator hands out: the lowest free from 1 in
 *   one global namespace (idxd holds PASID 1 for its kernel work queue on 6.12, so its user
 *   PASIDs start at 2); freed with the mm's last bond on 5.15, kept until mm_pasid_drop on 6.x;
 * - the infos: the device and its domain are first seen in a bind (implicit-entity, twice,
 *   for every SVA capture); a request after mm exit while the handle stands is fault-after-exit
 *   (the handler answers it invalid); a LAM -EBUSY is unseen-state.
 */
import { captureAuditor } from './support.js';

const auditor = captureAuditor();
afterAll(() => auditor.cleanup());

const FIRST_SEEN = ['implicit-entity', 'implicit-entity'];

interface Session {
  release: string;
  driver: string;
  profile: string;
  /** [ret, PASID] of each completed bind, in order. */
  binds: [number, number | null][];
  infos: string[];
}

const SESSIONS: Record<string, Session> = {
  // dsa_test binds twice (one refcounted handle) and unbinds twice: PASID 1 freed, then dto_bench gets 1.
  'intel-5.15': { release: '5.15.0-91-generic', driver: 'vtd', profile: '5.3', binds: [[0, 1], [0, 1], [0, 1]], infos: FIRST_SEEN },
  // ../shared/examples/kernel/intel-6.6-tracefs.txt rendered by trace-cmd.
  'intel-6.6': {
    release: '6.6.32', driver: 'vtd', profile: '6.2', binds: [[0, 2], [0, 2], [0, 2], [-16, null]],
    infos: ['fault-after-exit', ...FIRST_SEEN, 'unseen-state'],
  },
  // dsa_test 2 (twice, one handle), dto_bench 3; dsa_test's mm dropped, so dsa_ci (same mm address, a new mm) gets 2.
  'intel-6.12': { release: '6.12.35', driver: 'vtd', profile: '6.8', binds: [[0, 2], [0, 2], [0, 3], [0, 2]], infos: FIRST_SEEN },
  // zip_test 1 (twice), zip_bench 2; both gone by the time zip_test2 binds: 1.
  'smmuv3-5.15': { release: '5.15.0-105-generic', driver: 'smmuv3', profile: '5.3', binds: [[0, 1], [0, 1], [0, 2], [0, 1]], infos: FIRST_SEEN },
  // The same session on 6.6: two handles for zip_test's two binds; its mm is dropped before zip_test2 binds.
  'smmuv3-6.6': { release: '6.6.0-28-generic', driver: 'smmuv3', profile: '6.2', binds: [[0, 1], [0, 1], [0, 2], [0, 1]], infos: FIRST_SEEN },
  // zip_bench is killed with a stall in flight; zip_test's mm still holds 1, so zip_test2 gets zip_bench's 2.
  'smmuv3-6.12': {
    release: '6.12.20', driver: 'smmuv3', profile: '6.8', binds: [[0, 1], [0, 1], [0, 2], [0, 2]],
    infos: ['fault-after-exit', ...FIRST_SEEN],
  },
  // No AMD SVA before 6.10: a hot-plugged NVMe's group, domain and DMA; qemu's notifier release is not an mm exit.
  'amd-5.15': { release: '5.15.0-91-generic', driver: 'amd', profile: '5.3', binds: [], infos: [] },
  'amd-6.6': { release: '6.6.30', driver: 'amd', profile: '6.2', binds: [], infos: [] },
  // xrt_smi 1, dropped; llama_npu 1 (twice, one handle), exits while bound.
  'amd-6.12': { release: '6.12.10-200.fc41.x86_64', driver: 'amd', profile: '6.8', binds: [[0, 1], [0, 1], [0, 1]], infos: FIRST_SEEN },
};

const OWN: [string, string][] = [
  ['intel-5.15', 'tracefs'], ['intel-5.15', 'tracecmd'], ['intel-6.6', 'tracecmd'], ['intel-6.12', 'tracefs'],
  ['smmuv3-5.15', 'tracefs'], ['smmuv3-5.15', 'tracecmd'], ['smmuv3-6.6', 'tracefs'], ['smmuv3-6.6', 'tracecmd'],
  ['smmuv3-6.12', 'tracefs'], ['smmuv3-6.12', 'tracecmd'],
  ['amd-5.15', 'tracefs'], ['amd-5.15', 'tracecmd'], ['amd-6.6', 'tracefs'], ['amd-6.6', 'tracecmd'],
  ['amd-6.12', 'tracefs'], ['amd-6.12', 'tracecmd'],
];

describe.each(OWN)('the %s session in the %s rendering', (session, rendering) => {
  const s = SESSIONS[session];
  it(`names ${s.release} and ${s.driver} in its header, and audits clean under ${s.profile}`, async () => {
    const { imported, summary, findings, infos } = await auditor.importAndAudit(`${session}-${rendering}.txt`);
    expect(imported.header).toMatchObject({ driver: s.driver, kernel: s.release });
    expect(summary).toMatchObject({ profile: s.profile, errors: 0, warnings: 0 });
    expect(findings).toEqual([]);
    expect(infos).toEqual(s.infos);
    const binds = imported.records.filter((r) => r.type === 'bind' && r.phase === 'exit');
    expect(binds.map((b) => [b.ret, b.pasid ?? null])).toEqual(s.binds);
  });
});

describe.each(['intel-5.15', 'smmuv3-5.15', 'smmuv3-6.6', 'smmuv3-6.12', 'amd-5.15', 'amd-6.12'])('the %s session', (session) => {
  it('imports to the same events from tracefs (symbolised probes) and from trace-cmd (raw addresses)', async () => {
    const [fs, cmd] = await Promise.all([
      auditor.importAndAudit(`${session}-tracefs.txt`), auditor.importAndAudit(`${session}-tracecmd.txt`),
    ]);
    expect(cmd.imported.records).toEqual(fs.imported.records);
    expect(cmd.imported.records.length).toBeGreaterThan(0);
  });
});

describe('the SMMUv3 and AMD probes on 6.x', () => {
  it('SMMUv3 6.12: the late stall after zip_bench\'s exit is answered invalid by the handler, once', async () => {
    const { imported } = await auditor.importAndAudit('smmuv3-6.12-tracefs.txt');
    const late = imported.records.filter((r) => r.group === 15);
    expect(late.map((r) => [r.type, r.code ?? null])).toEqual([['fault', null], ['page_response', 'invalid']]);
  });
  it('AMD 6.12: a PPR group of two requests (flags 9, then 11 with the last bit) is one group, answered once', async () => {
    const { imported } = await auditor.importAndAudit('amd-6.12-tracefs.txt');
    const group3 = imported.records.filter((r) => r.group === 3);
    expect(group3.map((r) => [r.type, r.last ?? null])).toEqual([['fault', false], ['fault', true], ['page_response', null]]);
  });
  it('AMD 5.15: the hot-plugged device is added, attached and removed; DMA and the KVM release are counted, not replayed', async () => {
    const { imported } = await auditor.importAndAudit('amd-5.15-tracefs.txt');
    expect(imported.records.map((r) => r.type)).toEqual(['device_add', 'domain_alloc', 'attach_dev', 'device_remove']);
    expect(imported.summary.ignored).toEqual(new Map([
      ['map', 1], ['unmap', 1], ['io_page_fault', 1], ['sva_notifier_release:mm-never-bound', 1],
    ]));
  });
});

describe('planted races in generation captures give exactly their finding', () => {
  it('AMD 6.12: the response to xrt_smi\'s flushed request after PASID 1 went to llama_npu: stale-page-response', async () => {
    const { findings } = await auditor.importAndAudit('race-stale-response-amd-6.12-tracefs.txt');
    expect(findings).toEqual([['stale-page-response', '0000:c5:00.1/pasid:1']]);
  });
  it('SMMUv3 6.6 (trace-cmd): a stall on PASID 5, which nobody bound: fault-unbound-pasid', async () => {
    const { findings } = await auditor.importAndAudit('race-unbound-pasid-smmuv3-6.6-tracecmd.txt');
    expect(findings).toEqual([['fault-unbound-pasid', '0000:75:00.0/pasid:5']]);
  });
});
