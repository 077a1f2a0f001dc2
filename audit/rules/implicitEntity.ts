import type { Rule } from '../types.js';

export const implicitEntity: Rule = {
  id: 'implicit-entity',
  severity: 'info',
  title: 'Entity used before the trace introduced it',
  explanation:
    'The trace uses a device, domain, mm or PASID it never introduced, so it probably starts in the middle of the ' +
    'system\'s life. The replay creates the entity in the state the event presupposes; findings that depend on its ' +
    'earlier history cannot be seen.',
  when: { implicit: true },
  onStep({ result }, report) {
    for (const entity of result.implicit) {
      report({ seq: result.seq, related: [], entity, message: `${entity} first appears at ${result.type} (line ${result.line}) and was never introduced` });
    }
  },
};
