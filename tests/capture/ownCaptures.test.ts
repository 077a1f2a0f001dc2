import { captureAuditor } from './support.js';

const auditor = captureAuditor();
afterAll(() => auditor.cleanup());
const importAndAudit = (name: string) => auditor.importAndAudit(name);

describe('captures of ordinary sessions, written line by line from the kernel formats', () => {
  it('Intel VT-d on 5.15: one refcounted handle, the PASID reused after the last unbind; clean under 5.3', async () => {
    const { imported, summary, findings } = await importAndAudit('intel-5.15-tracefs.txt');
    expect(summary).toMatchObject({ profile: '5.3', errors: 0, warnings: 0 });
    expect(findings).toEqual([]);
    const unbinds = imported.records.filter((r) => r.type === 'unbind' && r.phase === 'exit');
    expect(unbinds.map((u) => [u.mm, u.pasid])).toEqual([
      ['0xffff88810a3c8000', 1], ['0xffff88810a3c8000', 1], ['0xffff888143f1c000', 1],
    ]);
  });

  it('AMD on 6.6: a KVM guest\'s mm teardown (the notifier fallback, raw rendering) is not an mm_exit', async () => {
    const { imported, summary, findings } = await importAndAudit('amd-6.6-tracecmd.txt');
    expect(summary).toMatchObject({ profile: '6.2', errors: 0, warnings: 0 });
    expect(findings).toEqual([]);
    expect(imported.records.map((r) => r.type)).toEqual(['device_add', 'domain_alloc', 'attach_dev']);
    expect(imported.records[0]).toMatchObject({ driver: 'amd' });
    expect(imported.summary.ignored.get('sva_notifier_release:mm-never-bound')).toBe(1);
  });
});

describe('planted races in a capture give exactly their finding', () => {
  it('a page request on a PASID nobody bound: fault-unbound-pasid', async () => {
    const { findings } = await importAndAudit('race-unbound-pasid-5.15-tracefs.txt');
    expect(findings).toEqual([['fault-unbound-pasid', '0000:6a:01.0/pasid:5']]);
  });

  it('a response after its PASID went to another process: stale-page-response', async () => {
    const { findings } = await importAndAudit('race-stale-response-5.15-tracefs.txt');
    expect(findings).toEqual([['stale-page-response', '0000:6a:01.0/pasid:1']]);
  });
});
