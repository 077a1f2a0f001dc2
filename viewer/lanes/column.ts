/** A growable typed array: numbers pushed in order, read back as one exact-length view. */
export class Column<T extends Float64Array | Int32Array | Uint8Array> {
  private data: T;
  length = 0;

  constructor(private readonly make: (n: number) => T, initial = 1024) {
    this.data = make(initial);
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = this.make(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  /** The values pushed (a view: no copy). */
  view(): T {
    return this.data.subarray(0, this.length) as T;
  }
}

export const float64 = (): Column<Float64Array> => new Column((n) => new Float64Array(n));
export const int32 = (): Column<Int32Array> => new Column((n) => new Int32Array(n));
export const uint8 = (): Column<Uint8Array> => new Column((n) => new Uint8Array(n));
