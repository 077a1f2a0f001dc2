import type { DriverName, NonSvaOwner, ResponseCode } from '../events/types.js';
import type { Rng } from './prng.js';
import type { Dev, Proc } from './world.js';

/** Who logs a line: thread id and name; `cpu` fixed for interrupt threads, random otherwise. */
export interface Actor {
  tid: number;
  comm: string;
  cpu?: number;
}

const NCPU = 16;
const PAGE = 4096;

/** Device bring-up and hot-plug run from the PCI core; unplug is requested from a shell. */
export const PROBE: Actor = { tid: 57, comm: 'kworker/0:1' };
export const ADMIN: Actor = { tid: 3141, comm: 'bash' };
export const VMM: Actor = { tid: 4242, comm: 'qemu-system-x86' };
/** The IOPF workqueue: handles routed groups and sends the page responses. */
export const IOPF_WORKERS: readonly Actor[] = [
  { tid: 611, comm: 'kworker/u33:0' }, { tid: 612, comm: 'kworker/u33:1' },
  { tid: 640, comm: 'kworker/u33:2' }, { tid: 677, comm: 'kworker/u33:3' },
];
const PRQ_THREAD: Readonly<Record<DriverName, Actor>> = {
  vtd: { tid: 811, comm: 'irq/64-dmar0-pr' },
  smmuv3: { tid: 823, comm: 'irq/92-arm-smmu' },
  amd: { tid: 834, comm: 'irq/41-AMD-Vi0' },
  generic: { tid: 845, comm: 'irq/40-iommu-pr' },
};

export const procActor = (p: Proc): Actor => ({ tid: p.pid, comm: p.comm });
export const hex = (n: number): string => `0x${n.toString(16)}`;

/** Hex digits of 0..4095, three each: addresses are built from them (Number#toString(16) is slow). */
const LOW3 = Array.from({ length: 4096 }, (_, i) => i.toString(16).padStart(3, '0'));

/**
 * Renders events as trace lines (trace-format.md) into `lines`, numbering them: `seq` is
 * left implicit (the line number), so each method returns the line number it wrote.
 * Every string written is generated here and needs no JSON escaping.
 */
export class Emitter {
  seq = 0;
  readonly lines: string[] = [];
  /** Clock in microseconds; page requests come fast, lifecycle calls further apart. */
  private us: number;
  private hiPage = -1;
  private hiHex = '';
  private readonly prq = new Map<Dev, Actor>();

  constructor(private readonly rng: Rng) {
    this.us = (1000 + rng.int(9000)) * 1e6 + rng.int(1e6);
  }

  private emit(type: string, who: Actor, body: string, fast = false): number {
    this.us += fast ? 1 + this.rng.int(24) : 40 + this.rng.int(900);
    const cpu = who.cpu ?? this.rng.int(NCPU);
    const sec = Math.floor(this.us / 1e6);
    const frac = String(1e6 + this.us - sec * 1e6).slice(1);
    this.lines.push(`{"type":"${type}","ts":${sec}.${frac},"cpu":${cpu},"tid":${who.tid},"comm":"${who.comm}"${body}}`);
    return ++this.seq;
  }

  /** The address of a page, as hex: the high part changes rarely and is cached. */
  private addr(page: number): string {
    const hi = Math.floor(page / 4096);
    if (hi !== this.hiPage) {
      this.hiPage = hi;
      this.hiHex = hi.toString(16);
    }
    return `0x${this.hiHex}${LOW3[page - hi * 4096]}000`;
  }

  domainAlloc(domain: string): number {
    return this.emit('domain_alloc', PROBE, `,"domain":"${domain}"`);
  }

  deviceAdd(who: Actor, d: Dev, ssidBits?: number): number {
    const bits = ssidBits === undefined ? '' : `,"ssid_bits":${ssidBits}`;
    return this.emit('device_add', who, `,"dev":"${d.name}","driver":"${d.driver}"${bits}`);
  }

  attachDev(who: Actor, d: Dev): number {
    return this.emit('attach_dev', who, `,"dev":"${d.name}","domain":"${d.domain}"`);
  }

  detachDev(who: Actor, d: Dev): number {
    return this.emit('detach_dev', who, `,"dev":"${d.name}","domain":"${d.domain}"`);
  }

  svaInit(who: Actor, d: Dev, maxPasid: number): number {
    return this.emit('sva_init', who, `,"dev":"${d.name}","features":1,"min_pasid":1,"max_pasid":${maxPasid}`);
  }

  svaShutdown(who: Actor, d: Dev): number {
    return this.emit('sva_shutdown', who, `,"dev":"${d.name}"`);
  }

  deviceRemove(who: Actor, d: Dev): number {
    return this.emit('device_remove', who, `,"dev":"${d.name}"`);
  }

  /** A bind whose returned PASID is logged: the fold checks it against its own allocator. */
  bind(p: Proc, d: Dev, pasid: number): number {
    return this.emit('bind', procActor(p), `,"dev":"${d.name}","mm":"${p.mm}","flags":1,"pasid":${pasid}`);
  }

  unbind(who: Actor, d: Dev, pasid: number): number {
    return this.emit('unbind', who, `,"dev":"${d.name}","pasid":${pasid}`);
  }

  mmExit(p: Proc): number {
    return this.emit('mm_exit', procActor(p), `,"mm":"${p.mm}"`);
  }

  invalidate(p: Proc, startPage: number, pages: number): number {
    const range = `,"start":"${hex(startPage * PAGE)}","end":"${hex((startPage + pages) * PAGE)}"`;
    return this.emit('invalidate', procActor(p), `,"mm":"${p.mm}"${range}`);
  }

  fault(d: Dev, pasid: number, page: number, perm: string, group: number, last: boolean): number {
    let who = this.prq.get(d);
    if (!who) this.prq.set(d, (who = { ...PRQ_THREAD[d.driver], cpu: d.irqCpu }));
    const body = `,"dev":"${d.name}","pasid":${pasid},"addr":"${this.addr(page)}","perm":"${perm}","group":${group},"last":${last}`;
    return this.emit('fault', who, body, true);
  }

  pageResponse(d: Dev, pasid: number, group: number, code: ResponseCode): number {
    const body = `,"dev":"${d.name}","pasid":${pasid},"group":${group},"code":"${code}"`;
    return this.emit('page_response', this.rng.pick(IOPF_WORKERS), body, true);
  }

  /** A non-SVA allocation whose returned PASID is logged, like bind's. */
  pasidAlloc(owner: NonSvaOwner, d: Dev, pasid: number): number {
    return this.emit('pasid_alloc', VMM, `,"owner":"${owner}","dev":"${d.name}","pasid":${pasid}`);
  }

  pasidFree(who: Actor, pasid: number): number {
    return this.emit('pasid_free', who, `,"pasid":${pasid}`);
  }
}
