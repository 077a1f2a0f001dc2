import type { Op, TraceEvent } from '../../events/types.js';
import type { StepResult } from '../../replay/stepResult.js';

export function opText(o: Op): string {
  const { op, ...fields } = o;
  return `${op}(${Object.entries(fields).map(([k, v]) => `${k}=${v}`).join(', ')})`;
}

function eventText(e: TraceEvent): string {
  const keys = ['dev', 'domain', 'mm', 'flags', 'pasid', 'owner', 'group'] as const;
  const parts: string[] = [];
  for (const k of keys) if (k in e && (e as unknown as Record<string, unknown>)[k] !== undefined) parts.push(`${k}=${(e as unknown as Record<string, unknown>)[k]}`);
  return parts.join(' ');
}

/** One human line per event: what the kernel computed (`replay --steps`). */
export function stepLine(r: StepResult): string {
  const head = `${String(r.seq).padStart(6)}  ${r.type.padEnd(13)} ${eventText(r.event)}`;
  if (r.event.phase === 'enter') return `${head}  (enter)`;
  const outcome = r.errno ? `-> -${r.errno}` : r.pasid !== undefined ? `-> PASID ${r.pasid}` : '-> ok';
  const ops = r.ops.length ? `  ops: ${r.ops.map(opText).join(', ')}` : '';
  const seen = r.observed ? `  [log says ${JSON.stringify(r.observed)}]` : '';
  return `${head}  ${outcome}${ops}${seen}`;
}
