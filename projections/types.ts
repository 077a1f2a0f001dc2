import type { Fact, FactKind } from '../replay/kernel/facts.js';

export type FactOf<K extends FactKind> = Extract<Fact, { kind: K }>;

/** A fact with the seq of the event that produced it: what a projection evolves over. */
export interface ProjectedFact<K extends FactKind = FactKind> {
  fact: FactOf<K>;
  seq: number;
}

/**
 * A projection (Emmett style): the fact kinds it reads, which row a fact touches (a structured
 * key, and that key's text, the row's id in outputs), and a pure evolve from the row before
 * (undefined: none) to the row after (undefined: row deleted).
 */
export interface Projection<Row, Key, K extends FactKind = FactKind> {
  readonly name: string;
  readonly canHandle: readonly K[];
  keyOf(fact: FactOf<K>): Key;
  /** The key as text: `pasids[3]`, `bonds[0000:00:01.0/3]` (one text per key, never parsed back). */
  keyText(key: Key): string;
  evolve(row: Row | undefined, event: ProjectedFact<K>): Row | undefined;
  /** Row order in outputs ("rows are sorted by key", trace-format.md). */
  compare(a: Row, b: Row): number;
}
