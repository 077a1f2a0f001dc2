import { Auditor } from '../../audit/auditor.js';
import { CallTracker } from '../../audit/concurrency.js';
import { BondIndex } from '../../audit/history/bondIndex.js';
import { DeviceIndex } from '../../audit/history/deviceIndex.js';
import { AuditHistory } from '../../audit/history/index.js';
import { PasidIndex } from '../../audit/history/pasidIndex.js';
import { RULES } from '../../audit/rules/index.js';

const keys = (o: object): string[] => Object.keys(o).sort();

/**
 * The audit's checkpoint names every field: a field added to the Auditor or one of its indexes
 * fails here until its toJSON/fromJSON carry it (or it is listed as derived, with the reason).
 */
describe('the audit serialiser', () => {
  it.each([
    // byType is the rules grouped by event type and triggers the bits of their Rule.when, both
    // rebuilt from the rules by the constructor; view is the AuditStep object refilled at each
    // step, nothing remembered across steps
    ['Auditor', new Auditor(), ['byType', 'triggers', 'view']],
    ['AuditHistory', new AuditHistory(), []],
    ['BondIndex', new BondIndex(), []],
    ['PasidIndex', new PasidIndex(), []],
    ['DeviceIndex', new DeviceIndex(), []],
    ['CallTracker', new CallTracker(), []],
  ] as const)('%s: its JSON names each of its fields', (_name, instance, derived) => {
    const fields = keys(instance).filter((k) => !(derived as readonly string[]).includes(k));
    expect(keys((instance as { toJSON(): object }).toJSON())).toEqual(fields);
  });

  it('each rule is frozen: what it remembers across steps is its declared state, which round-trips by name', () => {
    for (const rule of RULES) {
      expect(Object.isFrozen(rule)).toBe(true);
      if (!rule.state) continue;
      const state = rule.state.init() as object;
      const json = rule.state.toJSON(state);
      expect([rule.id, keys(json as object)]).toEqual([rule.id, keys(state)]);
      expect(rule.state.fromJSON(JSON.parse(JSON.stringify(json)))).toStrictEqual(state);
    }
    expect(RULES.filter((r) => r.state).map((r) => r.id)).toEqual(['io-mm-leak']);
  });
});
