/**
 * A second pass over a trace for the raw text of the lines with the given seqs (the audit
 * report shows each finding's line and its related lines), split and numbered exactly as the
 * reader numbers them. Only those lines are kept, and reading stops once all are found.
 */
import type { LineSink } from './lineSplitter.js';
import { readLines } from './traceLines.js';

/** The seq the reader gives a line: its `seq` field, else its 1-based line number. */
function seqOf(text: string, lineNo: number): number {
  if (!text.includes('"seq"')) return lineNo;
  try {
    const seq = (JSON.parse(text) as { seq?: unknown }).seq;
    return typeof seq === 'number' && Number.isSafeInteger(seq) ? seq : lineNo;
  } catch {
    return lineNo;
  }
}

/**
 * seq → the trimmed text of its line, for the wanted seqs found. Null when the trace cannot be
 * read again (standard input, or the file went away); what was found when reading broke off.
 */
export function sourceLines(file: string, wanted: ReadonlySet<number>): Promise<Map<number, string> | null> {
  return scanLines(file, wanted, (text) => text);
}

/** seq → its 1-based line number in the file (SARIF locations), like sourceLines. */
export function sourceLineNumbers(file: string, wanted: ReadonlySet<number>): Promise<Map<number, number> | null> {
  return scanLines(file, wanted, (_text, lineNo) => lineNo);
}

async function scanLines<T>(file: string, wanted: ReadonlySet<number>, keep: (text: string, lineNo: number) => T): Promise<Map<number, T> | null> {
  if (file === '-') return null;
  const found = new Map<number, T>();
  if (wanted.size === 0) return found;
  let lineNo = 0;
  const sink: LineSink & { stopped: boolean } = {
    stopped: false,
    line(text) {
      lineNo++;
      if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      const trimmed = text.trim();
      if (trimmed === '' || trimmed.startsWith('#')) return;
      const seq = seqOf(trimmed, lineNo);
      if (wanted.has(seq) && !found.has(seq)) found.set(seq, keep(trimmed, lineNo));
      if (found.size === wanted.size) this.stopped = true;
    },
    overlong() {
      lineNo++;
    },
  };
  try {
    await readLines(file, sink);
  } catch {
    return found.size > 0 ? found : null;
  }
  return found;
}
