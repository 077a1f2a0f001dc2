import type { Fact, FactKind } from '../replay/kernel/facts.js';

/** A fact with the seq of the event that produced it: what a projection evolves over. */
export interface ProjectedFact {
  fact: Fact;
  seq: number;
}

/**
 * A projection (Emmett style): the fact kinds it reads, which row a fact touches, and a pure
 * evolve from the row before (undefined: none) to the row after (undefined: row deleted).
 */
export interface Projection<Row> {
  readonly name: string;
  readonly canHandle: readonly FactKind[];
  keyOf(fact: Fact): string;
  evolve(row: Row | undefined, event: ProjectedFact): Row | undefined;
  /** Row order in outputs ("rows are sorted by key", trace-format.md). */
  compare(a: Row, b: Row): number;
}
