import type { DriverName } from '../events/types.js';
import { Emitter } from './emitter.js';
import { Rng } from './prng.js';
import type { InjectRule, Injection } from './rules.js';
import { World, type Proc } from './world.js';

/** Working-set caps: the state stays this small however long the trace. */
export const MAX_PROCS = 8;
export const MAX_OPEN = 8;
export const MAX_PENDING = 16;
export const MAX_AUX = 3;

const COMMS = [
  'dsa_perf_micros', 'accel-config', 'qatzip', 'spdk_tgt', 'fio', 'python3',
  'dpdk-testpmd', 'nginx', 'redis-server', 'memcached', 'ffmpeg', 'postgres',
];

/** Everything one simulation run shares: randomness, the bookkeeping, the output. */
export class Sim {
  readonly world = new World();
  readonly em: Emitter;
  readonly manifest: Injection[] = [];
  private pid: number;

  constructor(readonly rng: Rng, readonly driver: DriverName) {
    this.em = new Emitter(rng);
    this.pid = 1000 + rng.int(3000);
  }

  /** A new process; its mm name (`pid:N`) is never used again. */
  newProc(busy = false): Proc {
    this.pid += 1 + this.rng.int(300);
    const heap = 0x7f0000000 + this.rng.int(0xffff) * 0x100;
    return { mm: `pid:${this.pid}`, pid: this.pid, comm: this.rng.pick(COMMS), pasid: null, bonds: [], heap, busy };
  }

  plant(rule: InjectRule, seq: number, related: number[]): void {
    this.manifest.push({ rule, seq, related });
  }
}
