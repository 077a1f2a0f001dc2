/** Per device: when SVA was last initialised on it and when it was last removed. */
export interface DeviceRecord {
  svaInitSeq?: number;
  removedSeq?: number;
}

export class DeviceIndex {
  private readonly records = new Map<string, DeviceRecord>();

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
