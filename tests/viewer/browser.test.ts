import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { ViewerServer } from '../../viewer/server/http.js';
import { cli } from '../support/cliIo.js';
import { launchBrowser, type Browser } from './browser.js';
import { view } from './server.js';
import { scratch } from './support.js';

interface AuditJson { findings: { rule: string; seq: number; related: number[] }[] }
interface StateJson { pasids: { pasid: number; owner: string; mm?: string; dev?: string }[] }
interface DiffJson { added: { table: string; key: string }[]; removed: { table: string; key: string }[]; changed: { table: string; key: string }[] }

const SEED = join(__dirname, '..', '..', 'examples', 'seed-diagram.jsonl');
const KERNEL = join(__dirname, '..', '..', '..', 'shared', 'examples', 'kernel');
const INJECT = 'stale-pasid-unbind,pasid-freed-pending-faults,stale-page-response,non-sva-pasid,detach-with-bonds';

async function audit(file: string): Promise<AuditJson> {
  return JSON.parse((await cli('audit', file, '--json', '--fail-on', 'never')).out) as AuditJson;
}

/** The PASID table at the cursor, as the page shows it: [pasid, owner, mm/dev]. */
async function pasidRows(page: Page): Promise<[number, string, string][]> {
  return page.$$eval('[data-pasid]', (rows) => rows.map((r) => [Number(r.getAttribute('data-pasid')), r.getAttribute('data-owner') ?? '', r.children[2]?.textContent ?? ''] as [number, string, string]));
}

async function cursorAt(page: Page, seq: number): Promise<void> {
  await page.waitForSelector(`[data-cursor-seq="${seq}"]`);
}

describe('the viewer in chromium', () => {
  const s = scratch();
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    s.remove();
  });

  describe('on the seed diagram', () => {
    let server: ViewerServer;
    beforeAll(async () => {
      server = await view(s.copy(SEED));
    });
    afterAll(() => server.close());

    // By hand (sva-model.md; seq = line number, the first line is a comment): bind X on 00:00.0
    // gets PASID 1 at seq 13; bind Y on 00:00.0 gets PASID 2 at 14, which 01.0 and 01.1 share
    // (15, 16). Nothing is unbound: the bars stay open.
    it('draws a lane per PASID and per device with their bars', async () => {
      const page = browser.page;
      await page.goto(server.url);
      await page.waitForSelector('[data-lane="pasid:1"] rect.bar');
      const bars = async (lane: string) => page.$$eval(`[data-lane="${lane}"] rect.bar`, (r) => r.map((b) => [Number(b.getAttribute('data-span-start')), b.getAttribute('data-cls')]));
      expect(await bars('pasid:1')).toEqual([[13, 'sva']]);
      expect(await bars('pasid:2')).toEqual([[14, 'sva']]);
      expect(await bars('dev:0000:00:00.0')).toEqual([[13, 'bond'], [14, 'bond']]);
      expect(await bars('dev:0000:00:01.0')).toEqual([[15, 'bond']]);
      expect(await bars('dev:0000:00:01.1')).toEqual([[16, 'bond']]);
    });

    it('shows as many finding markers as audit --json has findings', async () => {
      const expected = (await audit(join(s.dir, 'seed-diagram.jsonl'))).findings;
      await browser.page.waitForSelector('[data-findings-row]', { state: 'attached' });
      expect(await browser.page.locator('[data-finding-seq]').count()).toBe(expected.length);
    });

    it('opens with the cursor at ?at=SEQ and the PASID table of state --at there', async () => {
      const page = browser.page;
      await page.goto(`${server.url}?at=14`);
      await cursorAt(page, 14);
      expect(await pasidRows(page)).toEqual([[1, 'sva', 'X'], [2, 'sva', 'Y']]);
    });
  });

  // Issue 14's done-means: the shipped kernel captures (imported as a user would) show every
  // finding audit reports, and a click on one shows the PASID table of state --at there.
  describe.each(['intel-6.6-tracefs.txt', 'intel-6.12-tracecmd.txt'])('on the shipped kernel capture %s', (capture) => {
    let server: ViewerServer;
    let file: string;
    let findings: AuditJson['findings'];
    beforeAll(async () => {
      file = join(s.dir, `${capture}.jsonl`);
      expect((await cli('import', 'ftrace', join(KERNEL, capture), '-o', file)).code).toBe(0);
      findings = (await audit(file)).findings;
      server = await view(file);
      await browser.page.goto(server.url);
      // the findings row is drawn before the range it shows arrives; its markers come with the range
      expect(findings.length).toBeGreaterThan(0);
      await browser.page.waitForSelector('[data-finding-seq]', { state: 'attached' });
    });
    afterAll(() => server.close());

    it('shows every finding of audit --json as a marker, and a click gives the tables of state --at', async () => {
      const page = browser.page;
      const marks = await page.$$eval('[data-finding-seq]', (m) => m.map((e) => [Number(e.getAttribute('data-finding-seq')), e.getAttribute('data-rule')]));
      expect(findings.length).toBeGreaterThan(0);
      expect(marks).toEqual(findings.map((f) => [f.seq, f.rule]));
      const f = findings[findings.length - 1];
      await page.locator(`[data-finding-seq="${f.seq}"][data-rule="${f.rule}"]`).first().click();
      await cursorAt(page, f.seq);
      const state = JSON.parse((await cli('state', file, '--at', String(f.seq), '--json')).out) as StateJson;
      expect(await pasidRows(page)).toEqual(state.pasids.map((p) => [p.pasid, p.owner, p.owner === 'sva' ? p.mm ?? '' : p.dev ?? '-']));
    });
  });

  describe('on a simulated trace with injected races', () => {
    let server: ViewerServer;
    let file: string;
    let findings: AuditJson['findings'];
    beforeAll(async () => {
      file = join(s.dir, 'sim.jsonl');
      expect((await cli('simulate', '--events', '3000', '--seed', '1', '--inject', INJECT, '-o', file)).code).toBe(0);
      findings = (await audit(file)).findings;
      server = await view(file);
      await browser.page.goto(server.url);
      await browser.page.waitForSelector('[data-finding-seq]');
    });
    afterAll(() => server.close());

    it('shows every finding of audit --json as a marker with its seq and rule', async () => {
      const marks = await browser.page.$$eval('[data-finding-seq]', (m) => m.map((e) => [Number(e.getAttribute('data-finding-seq')), e.getAttribute('data-rule')]));
      expect(findings.length).toBeGreaterThanOrEqual(5);
      expect(marks).toEqual(findings.map((f) => [f.seq, f.rule]));
    });

    it('moves the cursor to a clicked finding and shows the PASID table of state --at at that seq', async () => {
      const page = browser.page;
      const f = findings[1];
      await page.locator(`[data-finding-seq="${f.seq}"][data-rule="${f.rule}"]`).click();
      await cursorAt(page, f.seq);
      const state = JSON.parse((await cli('state', file, '--at', String(f.seq), '--json')).out) as StateJson;
      expect(await pasidRows(page)).toEqual(state.pasids.map((p) => [p.pasid, p.owner, p.owner === 'sva' ? p.mm ?? '' : p.dev ?? '-']));
      expect(await page.locator(`[data-finding-at="${f.seq}"][data-rule="${f.rule}"]`).count()).toBe(1);
    });

    it('goes to a related event when it is clicked', async () => {
      const page = browser.page;
      const f = findings.find((x) => x.related.length > 0)!;
      await page.locator(`[data-finding-seq="${f.seq}"][data-rule="${f.rule}"]`).click();
      await cursorAt(page, f.seq);
      await page.locator(`[data-finding-at="${f.seq}"] [data-goto-seq="${f.related[0]}"]`).click();
      await cursorAt(page, f.related[0]);
    });

    it('steps with the arrow keys and jumps between findings with [ and ]', async () => {
      const page = browser.page;
      const f = findings[0];
      await page.locator(`[data-finding-seq="${f.seq}"][data-rule="${f.rule}"]`).click();
      await cursorAt(page, f.seq);
      await page.keyboard.press('ArrowRight');
      await cursorAt(page, f.seq + 1); // simulate numbers its lines 1, 2, 3, ...
      await page.keyboard.press('ArrowLeft');
      await cursorAt(page, f.seq);
      const next = findings.find((x) => x.seq > f.seq)!;
      await page.keyboard.press(']');
      await cursorAt(page, next.seq);
      await page.keyboard.press('[');
      await cursorAt(page, f.seq);
    });

    it('shows the diff of two cursors (shift-click) as diff computes it', async () => {
      const page = browser.page;
      const f = findings[0];
      await page.locator(`[data-finding-seq="${f.seq}"][data-rule="${f.rule}"]`).click();
      await cursorAt(page, f.seq);
      const box = (await page.locator('svg.timeline').boundingBox())!;
      await page.keyboard.down('Shift');
      await page.mouse.click(box.x + box.width * 0.6, box.y + 120);
      await page.keyboard.up('Shift');
      const section = page.locator('[data-diff-to]');
      await section.waitFor();
      const from = Number(await section.getAttribute('data-diff-from'));
      const to = Number(await section.getAttribute('data-diff-to'));
      expect([from, to > f.seq]).toEqual([f.seq, true]);
      const d = JSON.parse((await cli('diff', file, '--from', String(from), '--to', String(to), '--json')).out) as DiffJson;
      const shown = await page.$$eval('[data-diff-kind]', (rows) => rows.map((r) => [r.getAttribute('data-diff-kind'), r.getAttribute('data-table'), r.getAttribute('data-key')]));
      const expected = [
        ...d.added.map((r) => ['added', r.table, r.key]), ...d.removed.map((r) => ['removed', r.table, r.key]), ...d.changed.map((r) => ['changed', r.table, r.key]),
      ];
      expect(expected.length).toBeGreaterThan(0);
      expect(shown).toEqual(expected);
    });

    it('highlights the lanes of a searched PASID and lists what history computes', async () => {
      const page = browser.page;
      await page.fill('input[name="search"]', 'pasid 4');
      await page.press('input[name="search"]', 'Enter');
      await page.waitForSelector('[data-search="pasid 4"]');
      // the viewer lists row changes (history's entries with a `change`)
      const history = (JSON.parse((await cli('history', file, '--pasid', '4', '--json')).out).entries as { seq: number; change?: object }[]).filter((h) => h.change);
      expect(await page.$$eval('[data-history-seq]', (r) => r.map((e) => Number(e.getAttribute('data-history-seq'))))).toEqual(history.map((h) => h.seq));
      expect(await page.locator('[data-lane="pasid:4"].highlight').count()).toBe(1);
      expect(await page.locator('[data-lane].highlight').count()).toBe(1);
    });

    it('answers 404 to traversal attempts from the browser', async () => {
      for (const path of ['..%2f..%2fpackage.json', '%2e%2e/%2e%2e/etc/passwd', 'sim.jsonl']) {
        const res = await browser.page.request.get(`${server.url}${path}`);
        expect([path, res.status()]).toEqual([path, 404]);
      }
    });
  });
});
