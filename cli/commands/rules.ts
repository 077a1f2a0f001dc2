import type { Command } from 'commander';
import { RULES } from '../../audit/rules/index.js';
import type { CliIo } from '../io.js';
import { wrap } from '../format/findings.js';

/** `sva-replay rules [--json]`: every audit rule with its severity, title and explanation. */
export function registerRules(program: Command, io: CliIo): void {
  program
    .command('rules')
    .description('list the audit rules: ids (for --only/--ignore), severities, titles and explanations')
    .option('--json', 'print {"rules":[{"id","severity","title","explanation"}]}')
    .addHelpText('after', '\nExamples:\n  sva-replay rules\n  sva-replay rules --json')
    .action((flags: { json?: boolean }) => {
      const rows = RULES.map((r) => ({ id: r.id, severity: r.severity, title: r.title, explanation: r.explanation }));
      if (flags.json) io.out(`${JSON.stringify({ rules: rows })}\n`);
      else io.out(rows.map((r) => `${r.id} (${r.severity}): ${r.title}\n${wrap(r.explanation, '    ')}\n`).join('\n'));
    });
}
