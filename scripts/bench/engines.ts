/** The machine engines on the transitions of a 100k-event slice, and memory over trace length. */
import { fmtMs, measure, perSec, type Row } from './harness.js';
import type { Section } from './context.js';

export const engines: Section = (ctx) => {
  const xs = measure(1, 'engine', 'xstate', ctx.t1m, '100000');
  const compiled = measure(1, 'engine', 'compiled', ctx.t1m, '100000');
  const foldXs = measure(1, 'fold', 'xstate', ctx.t1m, '100000');
  const foldCompiled = measure(1, 'fold', 'compiled', ctx.t1m, '100000');
  const replay250k = measure(1, 'cli', 'replay', ctx.t250k, '--fail-on', 'never');
  const replay1m = ctx.replay!;
  Object.assign(ctx.json, { xstate: xs, compiled, foldXstate: foldXs, foldCompiled, replay250k });
  return [
    [`XState engine, transitions of a 100k slice (${xs.events})`, fmtMs(xs.ms), `${perSec(xs.events!, xs.ms).replace('ev', 'tr')}`, 'baseline'],
    ['compiled engine, same transitions', fmtMs(compiled.ms), `${(xs.ms / compiled.ms).toFixed(1)}x XState`, '>= 20x XState'],
    ['whole fold of the 100k slice, XState / compiled', `${fmtMs(foldXs.ms)} / ${fmtMs(foldCompiled.ms)}`, `${(foldXs.ms / foldCompiled.ms).toFixed(1)}x`, '-'],
    ['peak RSS, replay 250k / 1M', `${replay250k.maxRssMb.toFixed(0)} / ${replay1m.maxRssMb.toFixed(0)} MB`, `${(replay1m.maxRssMb / replay250k.maxRssMb).toFixed(2)}x`, '<= 1.3x'],
  ] satisfies Row[];
};
