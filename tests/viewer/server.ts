import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveTrace } from '../../cli/commands/view.js';
import { chooseProfile, peekHeader } from '../../cli/traceProfile.js';
import { webAssets } from '../../viewer/assets.js';
import { bundleWeb } from '../../viewer/bundle.js';
import type { ViewerServer } from '../../viewer/server/http.js';
import { fakeIo } from '../support/cliIo.js';

let bundled: Promise<string> | null = null;

/** The front end bundled once per test file (what `npm run build` puts in dist/viewer/web). */
export function bundle(): Promise<string> {
  bundled ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sva-viewer-web-'));
    await bundleWeb(join(__dirname, '..', '..'), dir);
    webAssets.dir = dir;
    return dir;
  })();
  return bundled;
}

/** `sva-replay view FILE --port 0` in-process (the profile from the trace header, as the command picks it): resolves once it listens. */
export async function view(file: string): Promise<ViewerServer> {
  await bundle();
  const { profile } = chooseProfile(undefined, await peekHeader(file));
  return serveTrace(file, { port: '0', host: '127.0.0.1', profile, engine: 'compiled' }, fakeIo());
}

/** A raw GET (or another method): the path is sent as given, never normalised. */
export function raw(url: string, path: string, method = 'GET', headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
