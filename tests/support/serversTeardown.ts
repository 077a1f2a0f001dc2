/** jest's globalTeardown: stops the servers tests/support/serversSetup.ts started, if it did. */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export default function serversTeardown(globalConfig: { rootDir: string }): void {
  const dir = process.env.SVA_TEST_SERVERS_DIR;
  if (!dir) return;
  execFileSync('bash', [join(resolve(globalConfig.rootDir), 'scripts', 'test-servers.sh'), 'stop', dir], { stdio: 'ignore' });
  delete process.env.SVA_TEST_SERVERS_DIR;
}
