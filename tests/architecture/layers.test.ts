import { join } from 'node:path';
import { checkLayers, LAYER_RULES, violationText } from './rules.js';
import { parseSource, readSourceTree, stripComments } from './sourceTree.js';

const ROOT = join(__dirname, '..', '..');

describe('the layers of the source tree', () => {
  const files = readSourceTree(ROOT);

  it('reads every source folder and none of tests/, node_modules/ or dist/', () => {
    const folders = new Set(files.map((f) => f.folder));
    for (const f of ['events', 'replay', 'projections', 'audit', 'session', 'timetravel', 'follow', 'cli', 'scripts']) expect(folders).toContain(f);
    for (const f of ['tests', 'node_modules', 'dist']) expect(folders).not.toContain(f);
  });

  it('holds every rule of rules.ts', () => {
    expect(checkLayers(files).map(violationText)).toEqual([]);
  });

  it('keeps each exception pointing at a file that exists', () => {
    const paths = new Set(files.map((f) => f.path));
    for (const rule of LAYER_RULES) for (const e of rule.except ?? []) expect([rule.id, paths.has(e.path)]).toEqual([rule.id, true]);
  });
});

describe('the checker', () => {
  // Given made-up files that break each rule, the checker names file, line and import or code.
  const bad = [
    parseSource('timetravel/x.ts', "import { UsageError } from '../cli/io.js';\n"),
    parseSource('follow/y.ts', "const a = 1;\nconsole.log(a);\nprocess.stderr.write('b');\n"),
    parseSource('replay/z.ts', "import type { Tables } from '../projections/tables.js';\nexport { audit } from '../audit/auditor.js';\n"),
    parseSource('audit/w.ts', "import {\n  open,\n} from 'node:fs/promises';\n"),
    parseSource('audit/rules/s.ts', 'let seen = new Set<string>();\nexport const r = {\n  onStep() {\n    let n = 0;\n  },\n};\n'),
    parseSource('audit/rules/q.ts', "import type { KernelState } from '../../replay/kernel/state.js';\nconst f = (s: ReadonlyKernelState, v: TablesReader) => 0;\n"),
    parseSource('timetravel/v.ts', 'const f = new Fold({});\nauditor.observe(r, f, t);\nthis.tables.apply(r);\nconst t = Tables.fromJSON(j);\n'),
    parseSource('ingest/u.ts', "import { createGunzip } from 'node:zlib';\nconst s = h.createReadStream();\nconst nl = chunk.indexOf(0x0a, pos);\nfor (const l of text.split('\\n')) f(l);\n"),
  ];

  it('names every violation', () => {
    expect(checkLayers(bad).map((v) => `${v.rule} ${v.file}:${v.line} ${v.what}`)).toEqual([
      "cli-on-top timetravel/x.ts:1 imports '../cli/io.js'",
      "only-cli-prints follow/y.ts:2 uses 'console.'",
      "only-cli-prints follow/y.ts:3 uses 'process.stderr'",
      "replay-below-tables-and-audit replay/z.ts:1 imports '../projections/tables.js'",
      "replay-below-tables-and-audit replay/z.ts:2 imports '../audit/auditor.js'",
      "audit-does-no-io audit/w.ts:3 imports 'node:fs/promises'",
      "rules-declare-their-state audit/rules/s.ts:1 uses 'let'",
      "rules-read-only audit/rules/q.ts:1 uses 'KernelState'",
      "one-pipeline timetravel/v.ts:1 uses 'new Fold('",
      "one-pipeline timetravel/v.ts:2 uses '.observe('",
      "one-pipeline timetravel/v.ts:3 uses 'tables.apply('",
      "one-pipeline timetravel/v.ts:4 uses 'Tables.fromJSON('",
      "one-trace-source audit/w.ts:3 imports 'node:fs/promises'",
      "one-trace-source ingest/u.ts:1 imports 'node:zlib'",
      "one-trace-source ingest/u.ts:2 uses 'createReadStream('",
      "one-trace-source ingest/u.ts:3 uses 'indexOf(0x0a,'",
      "one-trace-source ingest/u.ts:4 uses '.split('\\n''",
    ]);
  });

  it('lets cli/ and scripts/ print and import cli/, session/ assemble the pipeline, and events/ open and split traces', () => {
    const fine = [
      parseSource('cli/a.ts', "import { EXIT } from './io.js';\nprocess.stdout.write('x');\n"),
      parseSource('scripts/b.ts', "import { run } from '../cli/program.js';\nconsole.log(1);\n"),
      parseSource('session/c.ts', 'const f = new Fold({});\nthis.auditor.observe(r, f, t);\nthis.tables.apply(r);\n'),
      parseSource('events/source/d.ts', "import { open } from 'node:fs/promises';\nimport { createGunzip } from 'node:zlib';\nconst nl = chunk.indexOf(0x0a);\n"),
    ];
    expect(checkLayers(fine)).toEqual([]);
  });

  it('ignores comments, but not code inside template literals', () => {
    expect(stripComments("a // console.log\n/* process.stdout */ b '//' `x${y}` c")).toBe("a               \n                     b '//' `x${y}` c");
    const f = parseSource('events/t.ts', '// console.log(1)\nconst s = `${`a`}${console.log(2)}`;\n');
    expect(checkLayers([f]).map((v) => v.line)).toEqual([2]);
  });
});
