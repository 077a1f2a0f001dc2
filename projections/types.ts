import type { Fact, FactKind } from '../replay/kernel/facts.js';

export type FactOf<K extends FactKind> = Extract<Fact, { kind: K }>;

/**
 * A projection (Emmett style): the fact kinds it reads, which row a fact touches (a structured
 * key, and that key's text, the row's id in outputs), and a pure evolve from the row before
 * (undefined: none) to the row after (undefined: row deleted), given a fact and the seq of the
 * event that produced it.
 */
export interface Projection<Row, Key, K extends FactKind = FactKind> {
  readonly name: string;
  readonly canHandle: readonly K[];
  keyOf(fact: FactOf<K>): Key;
  /** The key as text: `pasids[3]`, `bonds[0000:00:01.0/3]` (one text per key, never parsed back). */
  keyText(key: Key): string;
  evolve(row: Row | undefined, fact: FactOf<K>, seq: number): Row | undefined;
  /** Row order in outputs ("rows are sorted by key", trace-format.md). */
  compare(a: Row, b: Row): number;
}
