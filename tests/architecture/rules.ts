import type { Import, SourceFile } from './sourceTree.js';

/**
 * The layering rules of the architecture (README "Layout", issue 10), checked over every source
 * file by layers.test.ts. One row per rule; to add one, add a row:
 *   - `files`: the files it governs (top-level folders, or paths), minus `except`;
 *   - then `imports` (a forbidden import: target folders and/or a module name pattern) or
 *     `code` (a forbidden pattern in the code, comments excluded), or both.
 * An exception names a path and says why.
 */
export interface LayerRule {
  id: string;
  /** What breaks when the rule does; shown with every violation. */
  why: string;
  files: { in?: readonly string[]; notIn?: readonly string[] };
  /** Paths (or path prefixes) the rule does not apply to, each with its reason. */
  except?: readonly { path: string; reason: string }[];
  imports?: { folders?: readonly string[]; modules?: RegExp };
  code?: RegExp;
}

const FS = /^(node:)?fs(\/promises)?$/;

export const LAYER_RULES: readonly LayerRule[] = [
  {
    id: 'cli-on-top',
    why: 'cli/ is the top layer: the commands, their output and exit codes; nothing below it may depend on it',
    files: { notIn: ['cli', 'scripts'] }, // scripts/ are entry points beside cli/bin.ts (the benchmark runs commands)
    imports: { folders: ['cli'] },
  },
  {
    id: 'only-cli-prints',
    why: 'only cli/ (and scripts/) write to stdout or stderr; below it, return data or throw a typed error',
    files: { notIn: ['cli', 'scripts'] },
    code: /\bconsole\s*\.|\bprocess\s*\.\s*(stdout|stderr)\b/,
  },
  {
    id: 'replay-below-tables-and-audit',
    why: 'the fold knows nothing of the projections, the audit or the session built on it',
    files: { in: ['replay'] },
    imports: { folders: ['projections', 'audit', 'session', 'timetravel', 'follow'] },
  },
  {
    id: 'audit-does-no-io',
    why: 'audit rules judge steps; reading files belongs to events/ (the one trace source)',
    files: { in: ['audit'] },
    imports: { modules: FS },
  },
  {
    id: 'rules-declare-their-state',
    why: 'an audit rule remembers only through its declared `state` (audit/ruleState.ts), which checkpoints carry; module-level variables would be shared by every audit and lost at a restore',
    files: { in: ['audit/rules'] },
    code: /^(export\s+)?(let|var)\s/, // at the top of the module (no indentation): state shared by every audit
  },
  {
    id: 'rules-read-only',
    why: 'audit rules judge a step through read-only views (ReadonlyKernelState, ReadonlyStepResult, TablesReader, HistoryView, CallsView: audit/types.ts AuditStep); the mutable fold, tables and results are the session\'s',
    files: { in: ['audit/rules', 'audit/faultClass.ts', 'audit/responseClass.ts', 'audit/stepInfo.ts', 'audit/types.ts'] },
    code: /\b(KernelState|Fold|Tables|StepResult)\b/,
  },
  {
    id: 'one-pipeline',
    why: 'session/ is the one place that assembles and steps fold, audit and tables (session/session.ts explains the order); use Session or runTrace',
    files: { notIn: ['session'] },
    except: [
      { path: 'replay/fold.ts', reason: 'Fold.fromJSON builds a Fold' },
      { path: 'projections/tables.ts', reason: 'Tables.fromJSON builds the Tables' },
      { path: 'audit/auditor.ts', reason: 'Auditor.fromJSON builds an Auditor' },
      { path: 'scripts/benchWorker.ts', reason: 'times the fold alone (no audit, no tables) and the engines' },
    ],
    code: /\bnew\s+(Fold|Auditor|Tables)\s*\(|\b(Fold|Tables|Auditor)\s*\.\s*fromJSON\s*\(|\.observe\s*\(|\btables\s*\.\s*apply\s*\(/,
  },
  {
    id: 'one-trace-source',
    why: 'events/source/ is the one place that opens, gunzips and splits trace files (gzip by content, the line limit, byte offsets); read traces through it',
    files: { notIn: ['events', 'cli', 'scripts'] }, // cli/ opens its own outputs and command scripts; scripts/ are tools
    except: [
      { path: 'timetravel/index/indexFile.ts', reason: 'reads and writes FILE.idx, not a trace' },
      { path: 'timetravel/timeline.ts', reason: 'gzips checkpoint blobs in memory (gzipSync), no trace' },
      { path: 'timetravel/index/store.ts', reason: 'gzips and gunzips the index members (postings, findings) in memory, no trace' },
      { path: 'timetravel/index/entityHistory.ts', reason: 'splits the lines of the stored history text (an index member, in memory), no trace' },
      { path: 'simulate/sink.ts', reason: 'writes the simulated trace' },
      { path: 'sql/dbFile.ts', reason: 'the DuckDB database file' },
      { path: 'viewer/bundle.ts', reason: 'reads the built web bundle' },
      { path: 'viewer/lanes/cache.ts', reason: 'reads and writes its lane cache file (a header line and its data), no trace' },
      { path: 'export/writeJson.ts', reason: 'writes the export' },
      { path: 'follow/fileSource.ts', reason: 'fs.watch on the followed path only; its bytes come from events/source/traceFile.ts' },
    ],
    imports: { modules: /^(node:)?(fs(\/promises)?|zlib|readline)$/ },
    code: /\b(createReadStream|createGunzip|createInterface)\s*\(|\bindexOf\(\s*(0x0a|10|NL)\s*[,)]|\.split\(\s*('\\n'|"\\n"|\/\\r\?\\n\/)/,
  },
];

export interface Violation {
  rule: string;
  file: string;
  line: number;
  what: string;
  why: string;
}

function governs(rule: LayerRule, file: SourceFile): boolean {
  const { in: inside, notIn } = rule.files;
  const under = (list: readonly string[]) => list.some((f) => file.path === f || file.path.startsWith(`${f}/`));
  if (inside && !under(inside)) return false;
  if (notIn && under(notIn)) return false;
  return !rule.except?.some((e) => file.path === e.path || file.path.startsWith(`${e.path}/`));
}

function forbidden(rule: LayerRule, imp: Import): boolean {
  const f = rule.imports;
  if (!f) return false;
  return (imp.folder !== null && (f.folders?.includes(imp.folder) ?? false)) || (imp.folder === null && (f.modules?.test(imp.specifier) ?? false));
}

/** Every violation of the rules in the files, naming file, line and the import or code. */
export function checkLayers(files: readonly SourceFile[], rules: readonly LayerRule[] = LAYER_RULES): Violation[] {
  const out: Violation[] = [];
  for (const rule of rules) {
    for (const file of files) {
      if (!governs(rule, file)) continue;
      for (const imp of file.imports) {
        if (forbidden(rule, imp)) out.push({ rule: rule.id, file: file.path, line: imp.line, what: `imports '${imp.specifier}'`, why: rule.why });
      }
      if (!rule.code) continue;
      const lines = file.code.split('\n');
      lines.forEach((text, i) => {
        const m = rule.code!.exec(text);
        if (m) out.push({ rule: rule.id, file: file.path, line: i + 1, what: `uses '${m[0].trim()}'`, why: rule.why });
      });
    }
  }
  return out;
}

export function violationText(v: Violation): string {
  return `${v.file}:${v.line}: ${v.what} [${v.rule}: ${v.why}]`;
}
