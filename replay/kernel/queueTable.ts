/**
 * The IOPF queue's tables (partial groups by device and group index, pending groups by device,
 * PASID and group): a Map's contents and order (a new entry goes last, replacing one keeps its
 * place, a removed one is gone) and its string keys for readers and checkpoints, but an entry is
 * found by its fields. Every page request and response looks one up, and the queue rarely holds
 * more than a few groups: a scan of a short list costs less than building and hashing a string
 * key. Past LIST_MAX entries the table is a Map by key again, so a trace that leaves thousands
 * of groups unanswered stays linear. Which of the two holds the entries depends only on their
 * number, so equal contents are equal tables.
 */
import { pairKey, tripleKey } from './keys.js';
import type { PartialGroup, PendingGroup } from './state.js';

const LIST_MAX = 32;

export abstract class QueueTable<V> implements ReadonlyMap<string, V> {
  /** The entries in order while there are at most LIST_MAX of them, else null. */
  protected list: V[] | null = [];
  /** The entries by key, in order, once there are more than LIST_MAX; else null. */
  protected byKey: Map<string, V> | null = null;

  /** The entry's key: what a Map of these entries would hold it under. */
  protected abstract keyOf(v: V): string;
  /** Whether two entries are the same one (the same key). */
  protected abstract same(a: V, b: V): boolean;

  get size(): number {
    return this.list ? this.list.length : (this.byKey as Map<string, V>).size;
  }

  /** Map.set(keyOf(v), v). */
  put(v: V): void {
    const list = this.list;
    if (!list) {
      (this.byKey as Map<string, V>).set(this.keyOf(v), v);
      return;
    }
    const i = this.indexOf(list, v);
    if (i >= 0) list[i] = v;
    else if (list.length < LIST_MAX) list.push(v);
    else {
      this.byKey = new Map(list.map((e) => [this.keyOf(e), e]));
      this.byKey.set(this.keyOf(v), v);
      this.list = null;
    }
  }

  /** Map.delete(keyOf(v)). */
  remove(v: V): void {
    const list = this.list;
    if (list) {
      const i = this.indexOf(list, v);
      if (i < 0) return;
      // Shifted by hand: splice would build the array of what it removed, at every response.
      for (let j = i + 1; j < list.length; j++) list[j - 1] = list[j];
      list.pop();
      return;
    }
    const byKey = this.byKey as Map<string, V>;
    byKey.delete(this.keyOf(v));
    if (byKey.size <= LIST_MAX) {
      this.list = [...byKey.values()];
      this.byKey = null;
    }
  }

  private indexOf(list: V[], v: V): number {
    for (let i = 0; i < list.length; i++) if (this.same(list[i], v)) return i;
    return -1;
  }

  get(key: string): V | undefined {
    if (!this.list) return (this.byKey as Map<string, V>).get(key);
    for (const v of this.list) if (this.keyOf(v) === key) return v;
    return undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  values(): MapIterator<V> {
    return this.list ? this.list.values() : (this.byKey as Map<string, V>).values();
  }

  *keys(): MapIterator<string> {
    for (const v of this.values()) yield this.keyOf(v);
  }

  *entries(): MapIterator<[string, V]> {
    for (const v of this.values()) yield [this.keyOf(v), v];
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  forEach(f: (value: V, key: string, map: ReadonlyMap<string, V>) => void): void {
    for (const [key, v] of this.entries()) f(v, key, this);
  }
}

/** Partial requests by (device, group index), keyed `partialKey(dev, group)`. */
export class PartialGroups extends QueueTable<PartialGroup> {
  static from(entries: Iterable<[string, PartialGroup]>): PartialGroups {
    const t = new PartialGroups();
    for (const [, g] of entries) t.put(g);
    return t;
  }

  find(dev: string, group: number): PartialGroup | undefined {
    const list = this.list;
    if (!list) return (this.byKey as Map<string, PartialGroup>).get(pairKey(dev, group));
    for (let i = 0; i < list.length; i++) {
      const g = list[i];
      if (g.group === group && g.dev === dev) return g;
    }
    return undefined;
  }

  protected keyOf(g: PartialGroup): string {
    return pairKey(g.dev, g.group);
  }

  protected same(a: PartialGroup, b: PartialGroup): boolean {
    return a.group === b.group && a.dev === b.dev;
  }
}

/** Complete groups waiting for their response, keyed `pendingKey(dev, pasid, group)`. */
export class PendingGroups extends QueueTable<PendingGroup> {
  static from(entries: Iterable<[string, PendingGroup]>): PendingGroups {
    const t = new PendingGroups();
    for (const [, g] of entries) t.put(g);
    return t;
  }

  find(dev: string, pasid: number, group: number): PendingGroup | undefined {
    const list = this.list;
    if (!list) return (this.byKey as Map<string, PendingGroup>).get(tripleKey(dev, pasid, group));
    for (let i = 0; i < list.length; i++) {
      const g = list[i];
      if (g.group === group && g.pasid === pasid && g.dev === dev) return g;
    }
    return undefined;
  }

  protected keyOf(g: PendingGroup): string {
    return tripleKey(g.dev, g.pasid, g.group);
  }

  protected same(a: PendingGroup, b: PendingGroup): boolean {
    return a.group === b.group && a.pasid === b.pasid && a.dev === b.dev;
  }
}
