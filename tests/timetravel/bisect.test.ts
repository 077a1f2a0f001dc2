import { RULES } from '../../audit/rules/index.js';
import { parseExpression } from '../../timetravel/bisect/parse.js';
import { D0, D1, SMALL } from './fixtures.js';
import { cli, tempDir } from './support.js';

const tmp = tempDir();
const rules = RULES.map((r) => r.id);

async function first(expr: string, text = SMALL): Promise<number | null> {
  const r = await cli('bisect', tmp.file('s.jsonl', text), '--until', expr, '--json');
  expect(r.code).toBe(JSON.parse(r.out).found ? 0 : 1);
  return JSON.parse(r.out).found ? JSON.parse(r.out).seq : null;
}

describe('bisect predicates', () => {
  it.each([
    ['pasid 1 allocated', 8],
    ['pasid 1 freed', 12],
    ['pasid 2 live', 11],
    [`dev ${D1} bonds > 0`, 9],
    [`dev ${D1} state svaEnabled`, 7],
    [`dev "${D0}" present`, 2],
    ['refs pasid 1 >= 2', 9],
    ['pasid 1 refs = 1 and not pasid 2 allocated', 8],
    ['mm X bonds == 0 and pasid 2 allocated', 12],
    ['mm Y pasids >= 1 or pasid 1 bonds > 1', 9],
    ['(pasid 1 freed or pasid 2 live) and devices == 2', 11],
    ['bonds >= 2', 9],
    ['pasid 1 owner sva', 8],
    ['events > 3', 4],
    ['faults > 10', null],
    ['pasid 3 allocated', null],
  ])('%s → seq %s', async (expr, seq) => {
    expect(await first(expr as string)).toBe(seq);
  });

  it('prints the seq, the event line and the row that made it true', async () => {
    const r = await cli('bisect', tmp.file('s.jsonl', SMALL), '--until', 'pasid 1 freed');
    expect(r.code).toBe(0);
    expect(r.out).toBe([
      `seq 12 (line 12): {"seq":12,"type":"unbind","dev":"${D1}","pasid":1}`,
      'holds: pasid 1 freed',
      `  pasids[1]: none (last: {"pasid":1,"owner":"sva","mm":"X","flags":0,"refs":1,"state":"live","bonds":[{"dev":"${D1}","domain":"A"}]})`,
    ].join('\n') + '\n');
    const never = await cli('bisect', tmp.file('s.jsonl', SMALL), '--until', 'faults > 10');
    expect([never.code, never.out]).toEqual([1, 'never: "faults > 10" does not hold after any of the 12 events\n']);
  });

  it('finds the first finding of a rule (the Auditor runs alongside)', async () => {
    const text = `{"type":"domain_alloc","domain":"A"}\n{"type":"bind","dev":"${D0}","mm":"X","flags":0}\n`;
    const r = await cli('bisect', tmp.file('f.jsonl', text), '--until', 'finding implicit-entity', '--json');
    expect(JSON.parse(r.out)).toMatchObject({ found: true, seq: 2, why: [{ rule: 'implicit-entity', finding: { rule: 'implicit-entity', seq: 2, entity: `device:${D0}` } }] });
    expect(await first('findings >= 1', text)).toBe(2);
  });
});

describe('bisect expression errors', () => {
  it.each([
    [`dev ${D1} bonds x 3`, 24, 'expected a comparison (<, <=, >, >=, ==, !=), got "x"'],
    ['pasid seven freed', 7, 'expected a PASID number, got "seven"'],
    ['pasid 7 gone', 9, 'expected one of allocated, freed, live, exiting, refs, bonds, owner, got "gone"'],
    ['pasid 7 freed and', 18, 'expected a test (pasid, refs, bonds, dev, mm, finding, faults, findings, pasids, devices, domains, events), "not" or "(", got the end of the expression'],
    ['(pasid 7 freed', 15, 'expected ")", got the end of the expression'],
    ['faults >', 9, 'expected a number, got the end of the expression'],
    ['pasid 7 freed extra', 15, 'expected "and", "or" or the end of the expression, got "extra"'],
    ['faults ! 3', 8, 'expected "!=" ("!" alone is not an operator; use "not")'],
    ['', 1, 'expected a test'],
    ['refs 2 > 1', 6, 'expected "pasid", got "2"'],
    ['mm "X bonds > 1', 4, 'unterminated quoted name'],
    ['finding nope', 9, 'expected a rule id ('],
  ])('%j: column %d', (expr, pos, detail) => {
    expect(() => parseExpression(expr as string, rules)).toThrow(`bad expression at column ${pos}: ${detail}`);
  });

  it('exits 2 with the column and a caret under it', async () => {
    const r = await cli('bisect', tmp.file('s.jsonl', SMALL), '--until', 'pasid 7 gone');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe('sva-replay: bad expression at column 9: expected one of allocated, freed, live, exiting, refs, bonds, owner, got "gone"\n' +
      '  pasid 7 gone\n          ^\n');
  });
});
