import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Api, type ViewedTrace } from './api.js';
import { BadRequest } from './params.js';
import { pageHtml } from './page.js';

/** The front end, read once at start: the server never opens a file on a request's behalf. */
export interface WebAssets {
  js: Buffer;
  css: Buffer;
}

export interface ViewerServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

const HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:",
};

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, head: boolean): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { ...HEADERS, 'content-type': type, 'content-length': bytes.length });
  res.end(head ? undefined : bytes);
}

/**
 * One page, its script and stylesheet, and the JSON API over the one trace given. Safety: only
 * GET and HEAD; the path must be exactly one of the routes, compared before any decoding, so
 * `/../`, absolute and percent-encoded paths all get 404; nothing is ever written.
 */
export function createViewerServer(trace: ViewedTrace, assets: WebAssets, host: string): Server {
  const api = new Api(trace);
  const html = pageHtml(trace.file);
  const files: Record<string, [string, Buffer | string]> = {
    '/': ['text/html; charset=utf-8', html],
    '/index.html': ['text/html; charset=utf-8', html],
    '/app.js': ['text/javascript; charset=utf-8', assets.js],
    '/app.css': ['text/css; charset=utf-8', assets.css],
  };
  const loopback = LOOPBACK.has(host);
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      res.setHeader('allow', 'GET, HEAD');
      send(res, 405, 'text/plain; charset=utf-8', 'only GET and HEAD\n', false);
      return;
    }
    if (loopback && !loopbackHost(req.headers.host)) {
      send(res, 403, 'text/plain; charset=utf-8', 'unexpected Host header\n', head);
      return;
    }
    const raw = req.url ?? '';
    const q = raw.indexOf('?');
    const path = q < 0 ? raw : raw.slice(0, q);
    const file = files[path];
    if (file) {
      send(res, 200, file[0], file[1], head);
      return;
    }
    const route = api.routes[path];
    if (!route) {
      send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head);
      return;
    }
    route(new URLSearchParams(q < 0 ? '' : raw.slice(q + 1))).then(
      (json) => send(res, 200, 'application/json; charset=utf-8', json, head),
      (e: unknown) => {
        if (e instanceof BadRequest) send(res, 400, 'application/json; charset=utf-8', JSON.stringify({ error: e.message }), head);
        else send(res, 500, 'application/json; charset=utf-8', JSON.stringify({ error: e instanceof Error ? e.message : String(e) }), head);
      },
    );
  });
}

/** A Host header naming a loopback address (a page on another site resolving to us is refused). */
function loopbackHost(value: string | undefined): boolean {
  if (value === undefined) return true;
  const m = /^(\[[^\]]+\]|[^:]+)(:\d+)?$/.exec(value);
  if (!m) return false;
  const name = m[1].startsWith('[') ? m[1].slice(1, -1) : m[1];
  return LOOPBACK.has(name.toLowerCase());
}

/** Listens on host:port (port 0: any free one) and resolves once it does. */
export function listen(server: Server, host: string, port: number): Promise<ViewerServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const a = server.address() as AddressInfo;
      const shown = a.family === 'IPv6' ? `[${a.address}]` : a.address;
      resolve({
        url: `http://${shown}:${a.port}/`,
        server,
        close: () => new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
      });
    });
  });
}
