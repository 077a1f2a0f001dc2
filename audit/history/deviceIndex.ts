import type { DeepReadonly } from '../../replay/readonlyView.js';

/** Per device: when SVA was last initialised on it and when it was last removed. */
export interface DeviceRecord {
  svaInitSeq?: number;
  removedSeq?: number;
}

/** A DeviceIndex as JSON (checkpoints). */
export interface DeviceIndexJSON {
  records: [string, DeviceRecord][];
}

/** What rules read of the device index. */
export interface DeviceIndexView {
  get(dev: string): DeepReadonly<DeviceRecord> | undefined;
}

export class DeviceIndex implements DeviceIndexView {
  private readonly records = new Map<string, DeviceRecord>();

  toJSON(): DeviceIndexJSON {
    return { records: [...this.records] };
  }

  static fromJSON(json: DeviceIndexJSON): DeviceIndex {
    const index = new DeviceIndex();
    for (const [dev, r] of json.records) index.records.set(dev, { ...r });
    return index;
  }

  get(dev: string): DeviceRecord | undefined {
    return this.records.get(dev);
  }

  svaInit(dev: string, seq: number): void {
    this.records.set(dev, { ...this.records.get(dev), svaInitSeq: seq });
  }

  removed(dev: string, seq: number): void {
    this.records.set(dev, { ...this.records.get(dev), removedSeq: seq });
  }
}
