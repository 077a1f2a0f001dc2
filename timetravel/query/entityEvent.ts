import type { Errno } from '../../events/errno.js';
import type { EventType } from '../../events/types.js';
import type { StepResult } from '../../replay/stepResult.js';
import { eventText } from '../render.js';
import type { RowDelta } from '../rows.js';

/**
 * An event of an entity as `history` shows it: the rows of the entity it changed, or, for one
 * of its page requests or responses that changed none, the event (as a trace line) and its
 * result. A fold makes it from a step (entityEventOf); the index stores it for dense entities
 * (index/entityHistory.ts).
 */
export interface EntityEvent {
  seq: number;
  type: EventType;
  ts: number | undefined;
  changes: RowDelta[];
  /** Set exactly when `changes` is empty: a page request or response of the entity's PASID or device. */
  alone: { event: string; ret: number; errno: Errno | null } | null;
}

export function entityEventOf(r: StepResult, changes: RowDelta[]): EntityEvent {
  const alone = changes.length === 0 ? { event: eventText(r.event), ret: r.ret, errno: r.errno } : null;
  return { seq: r.seq, type: r.type, ts: r.event.ts, changes, alone };
}
