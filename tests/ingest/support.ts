import { join } from 'node:path';
import { parseTraceText } from '../../events/reader.js';
import { importFtrace, type ImportOptions } from '../../ingest/ftrace/importFtrace.js';

export const fixture = (name: string) => join(__dirname, '..', 'fixtures', 'ftrace', name);

/**
 * Imports a whole source; every line written must be a valid trace line (checked with the
 * trace reader). Returns the lines, the header line and the events parsed, the summary and the warnings.
 */
export async function importAll(source: string, opts: ImportOptions = {}) {
  const warnings: string[] = [];
  const run = importFtrace(source, { onWarn: (m) => warnings.push(m), ...opts });
  const lines: string[] = [];
  for await (const batch of run.batches) lines.push(...batch);
  parseTraceText(lines.join('\n'), 'out.jsonl');
  const all = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  // The capture's header (events/header.ts), when there is one, is the first line.
  const header = all.length > 0 && 'sva_replay_header' in all[0] ? all.shift() : undefined;
  return { lines, header, records: all, summary: run.summary, warnings };
}
