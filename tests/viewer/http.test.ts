import { existsSync, readdirSync } from 'node:fs';
import type { ViewerServer } from '../../viewer/server/http.js';
import { raw, view } from './server.js';
import { scratch, SMALL } from './support.js';

// The server without a browser: what it serves, what it refuses (docs/viewer.md, "Safety").
describe('the viewer server', () => {
  const s = scratch();
  let server: ViewerServer;
  let url: string;
  beforeAll(async () => {
    server = await view(s.copy(SMALL));
    url = server.url;
  });
  afterAll(async () => {
    await server.close();
    s.remove();
  });

  it('listens on 127.0.0.1 and built the index (with its event cache) and the lanes beside the trace', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(readdirSync(s.dir).sort()).toEqual(['small.jsonl', 'small.jsonl.idx', 'small.jsonl.idx.events', 'small.jsonl.lanes']);
  });

  it('serves the page, its script and its stylesheet', async () => {
    const page = await raw(url, '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script src="/app.js">');
    expect((await raw(url, '/app.js')).status).toBe(200);
    expect((await raw(url, '/app.css')).status).toBe(200);
  });

  it.each([
    '/../package.json', '/..%2fpackage.json', '/%2e%2e/%2e%2e/etc/passwd', '/%2E%2E%2Fetc%2Fpasswd', '//etc/passwd',
    '/etc/passwd', '/app.js/../../package.json', '/small.jsonl', '/small.jsonl.idx', '/./app.js', '/api/../app.js',
    '/api/meta/../../small.jsonl', '/%2fetc%2fpasswd', '/..\\package.json', '/api', '/api/',
  ])('answers 404 to %s', async (path) => {
    const r = await raw(url, path);
    expect(r.status).toBe(404);
    expect(r.body).not.toContain('"type"');
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH'])('refuses %s with 405 and writes nothing', async (method) => {
    const before = readdirSync(s.dir).sort();
    const r = await raw(url, '/api/meta', method);
    expect(r.status).toBe(405);
    expect(readdirSync(s.dir).sort()).toEqual(before);
  });

  it('answers HEAD like GET, without a body', async () => {
    const r = await raw(url, '/api/meta', 'HEAD');
    expect(r.status).toBe(200);
    expect(r.body).toBe('');
  });

  it.each([
    ['/api/at?seq=abc', 'parameter "seq" expects an integer'],
    ['/api/at', 'missing parameter "seq"'],
    ['/api/at?seq=-1', 'must be at least 0'],
    ['/api/range?from=1&to=1&width=10', '"to" must be greater than "from"'],
    ['/api/range?from=1&to=9&width=0', '"width" must be at least 1'],
    ['/api/range?from=x&to=9&width=10', 'parameter "from" expects a number'],
    ['/api/range?from=1&to=9&width=10&axis=ts', 'no time axis'],
    ['/api/range?from=1&to=9&width=10&axis=bogus', 'expects one of seq, ts'],
    ['/api/meta?file=/etc/passwd', 'unknown parameter "file"'],
    ['/api/diff?from=1', 'missing parameter "to"'],
    ['/api/history?q=pasid%20x', 'pasid expects a non-negative integer'],
    ['/api/history?q=inode%207', 'expected pasid, dev or mm'],
  ])('answers 400 with a message to %s', async (path, message) => {
    const r = await raw(url, path);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).error).toContain(message);
  });

  it('refuses a Host header that does not name this machine (DNS rebinding)', async () => {
    expect((await raw(url, '/api/meta', 'GET', { host: 'evil.example:80' })).status).toBe(403);
  });

  it('answers the state at a seq as state --at does, with the event folded there', async () => {
    const r = JSON.parse((await raw(url, '/api/at?seq=11')).body);
    expect(r.seq).toBe(11);
    expect(r.event).toContain('"type":"bind"');
    expect(r.result.pasid).toBe(1);
    expect(r.state.pasids.map((p: { pasid: number; owner: string }) => [p.pasid, p.owner])).toEqual([[1, 'sva'], [2, 'aux']]);
    expect([r.prev, r.next]).toEqual([10, 12]);
  });

  it('answers history for a search, and the lanes to highlight', async () => {
    const r = JSON.parse((await raw(url, '/api/history?q=pasid%202')).body);
    expect(r.lanes).toEqual(['pasid:2']);
    expect(r.entries.map((e: { seq: number; change: { kind: string } }) => [e.seq, e.change.kind])).toEqual([[7, 'added'], [12, 'removed']]);
  });

  it('never wrote beside the trace on any request', () => {
    expect(existsSync(`${s.dir}/small.jsonl.idx`)).toBe(true);
    expect(readdirSync(s.dir)).toHaveLength(4);
  });
});
