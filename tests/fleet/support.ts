/**
 * One fleet test file's set-up: the real servers (tests/support/fleetServers.ts) and simulated
 * host traces, each with a double-free planted, written to a temp dir in beforeAll; stopped and
 * removed in afterAll.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateText } from '../../simulate/workload.js';
import { startServers, type Servers } from '../support/fleetServers.js';

export interface FleetFixture {
  readonly servers: Servers;
  /** The trace file of a host named in `seeds`. */
  file(host: string): string;
}

export function fleetFixture(label: string, seeds: Record<string, number>, events: number): FleetFixture {
  let servers: Servers | undefined;
  let dir = '';
  beforeAll(() => {
    servers = startServers();
    dir = mkdtempSync(join(tmpdir(), `sva-fleet-${label}-`));
    for (const [host, seed] of Object.entries(seeds)) {
      writeFileSync(join(dir, `${host}.jsonl`), simulateText({ events, seed, inject: [{ rule: 'double-free', count: 1 }] }).text);
    }
  }, 60_000);
  afterAll(() => {
    servers?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    get servers(): Servers { return servers!; },
    file: (host) => join(dir, `${host}.jsonl`),
  };
}

export interface Finding { rule: string; seq: number; entity: string }
export const findingKey = (f: Finding): string => `${f.rule} ${f.seq} ${f.entity}`;
