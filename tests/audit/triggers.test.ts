import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Auditor } from '../../audit/auditor.js';
import { RULES } from '../../audit/rules/index.js';
import type { AnyRule } from '../../audit/types.js';
import { parseTraceText } from '../../events/reader.js';
import { Fold } from '../../replay/fold.js';
import type { Profile } from '../../replay/kernel/state.js';
import { Tables } from '../../projections/tables.js';
import { Session } from '../../session/session.js';

/** The rule as it was before `when`: called at every event. */
function everyStep(r: AnyRule): AnyRule {
  return r.when ? { ...r, events: undefined, when: undefined } : r;
}

function audit(text: string, profile: Profile, rules?: readonly AnyRule[]): string {
  const s = new Session({ profile }, { fold: new Fold({ profile }), tables: new Tables(), auditor: new Auditor({}, rules) });
  const perStep: string[] = [];
  for (const e of parseTraceText(text, 'trace', { skipBad: true })) perStep.push(JSON.stringify(s.step(e).findings));
  return JSON.stringify({ perStep, end: s.finish() });
}

const root = join(__dirname, '..', '..');
function traces(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((f) => {
    const path = join(dir, f);
    if (statSync(join(root, path)).isDirectory()) return traces(path);
    return f.endsWith('.jsonl') ? [path] : [];
  });
}
const fixtures = [...traces('tests/fixtures/audit'), ...traces('tests/fixtures/kernel'), ...traces('../shared/examples')];

/**
 * Rule.when lets the auditor skip a rule at steps that hold none of its triggers; a rule that
 * would report at such a step would lose a finding. Given every audit and kernel fixture
 * and the shared examples, when audited with the triggers and with every rule called at every event, then the
 * findings are the same, step by step and at the end.
 */
describe('audit dispatch by trigger', () => {
  it('names triggers only on rules that have onStep', () => {
    for (const r of RULES) if (r.when) expect(r.onStep).toBeDefined();
  });

  it.each(fixtures)('%s: the same findings as calling every rule at every event', (name) => {
    const text = readFileSync(join(root, name), 'utf8');
    for (const profile of ['v3', '5.17', '6.8'] as Profile[]) {
      expect(audit(text, profile)).toEqual(audit(text, profile, RULES.map(everyStep)));
    }
  });
});
