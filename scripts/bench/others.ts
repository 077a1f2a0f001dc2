/** Capabilities' own entries: sql load, follow latency (add a capability's rows here or in its own section). */
import { fmtMs, measure, ratio, type Row } from './harness.js';
import type { Section } from './context.js';

export const others: Section = (ctx) => {
  const sqlLoad = measure(1, 'cli', 'sql', ctx.t1m, 'select count(*) from events');
  const followWatch = measure(1, 'follow-latency', 'watch');
  const followPoll = measure(1, 'follow-latency', 'poll');
  Object.assign(ctx.json, { sqlLoad, followWatch, followPoll });
  return [
    ['sql: load into DuckDB and one query, 1M', fmtMs(sqlLoad.ms), ratio(sqlLoad.ms, ctx.replay!.ms, 'replay'), '<= 2x replay'],
    ['follow: append to finding, fs.watch / polling (best of 5)', `${fmtMs(followWatch.ms)} / ${fmtMs(followPoll.ms)}`, '-', '< 1000 ms'],
  ] satisfies Row[];
};
