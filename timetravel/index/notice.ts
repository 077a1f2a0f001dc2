import type { Profile } from '../../replay/kernel/state.js';

/**
 * What opening or using an index tells the command, which words and prints it (cli/format/
 * notice.ts): nothing below cli/ prints. Each means the answer is still exact, only slower.
 */
export type IndexNotice =
  /** The index does not describe the trace (or is unreadable); it was rebuilt. */
  | { kind: 'stale'; path: string; reason: string }
  /** Built for another --profile: not used. */
  | { kind: 'otherProfile'; path: string; built: Profile; wanted: Profile }
  /** The index could not be written (`stale`: why it was being rebuilt); the command works without it. */
  | { kind: 'unwritable'; path: string; reason: string; stale: string | null }
  /**
   * A checkpoint failed verification; the seek went on from an earlier one (`fromSeq`, null: the
   * start). A stored history chunk failed: the entity's events from `foldFrom` on are folded instead.
   */
  | { kind: 'damaged'; path: string; reason: string; fromSeq: number | null; foldFrom?: number };
