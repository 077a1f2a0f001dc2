/**
 * jest's globalSetup: the fleet's servers (nats-server and PostgreSQL, scripts/test-servers.sh)
 * started once for the run, when the run may include tests/fleet and nothing has exported
 * SVA_TEST_NATS_URL and SVA_TEST_PG_URL (as .ci/run does). Their URLs go into the environment
 * the workers inherit. A start that fails does not stop the run: its message is passed on in
 * SVA_TEST_SERVERS_ERROR, and the tests that need the servers fail with it (tests/support/fleetServers.ts).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

interface Config { rootDir: string; testPathPattern: string }

export default function serversSetup(globalConfig: Config): void {
  if (process.env.SVA_TEST_NATS_URL && process.env.SVA_TEST_PG_URL) return;
  const pattern = globalConfig.testPathPattern;
  if (pattern !== '' && !/fleet/.test(pattern)) return; // a run of other paths (`npx jest tests/model`) needs none
  const script = join(resolve(globalConfig.rootDir), 'scripts', 'test-servers.sh');
  const dir = mkdtempSync(join(tmpdir(), 'sva-servers-'));
  chmodSync(dir, 0o755); // PostgreSQL runs as its own user
  try {
    const out = execFileSync('bash', [script, 'start', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    for (const line of out.trim().split('\n')) {
      const [name, value] = line.split('=', 2);
      process.env[name] = value;
    }
    process.env.SVA_TEST_SERVERS_DIR = dir; // stopped by tests/support/serversTeardown.ts
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    process.env.SVA_TEST_SERVERS_ERROR = `cannot start the fleet's test servers (scripts/test-servers.sh): ${err.stderr || err.message}`;
  }
}
