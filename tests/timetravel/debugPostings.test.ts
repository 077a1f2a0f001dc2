/**
 * `debug`'s `continue` with entity and seq breakpoints and watches on an indexed trace seeks
 * from one of the followed entities' postings to the next instead of stepping every event
 * (timetravel/debug/postedStops.ts). The transcript, stops and shown steps must be exactly a
 * full step-through's: here that of the same script on a copy of the trace with no index
 * (which steps every event, with checkpoints kept in memory).
 */
import type { InjectRule } from '../../simulate/rules.js';
import { simulateText } from '../../simulate/workload.js';
import { cli, indexedPair, tempDir } from './support.js';

const tmp = tempDir();
jest.setTimeout(300_000);

const RULES: InjectRule[] = ['stale-page-response', 'detach-with-bonds', 'unbind-after-exit', 'double-free', 'fault-unbound-pasid'];

describe('debug continue from the postings', () => {
  const { text } = simulateText({ events: 5000, seed: 17, driver: 'vtd', inject: RULES.map((rule) => ({ rule, count: 1 })) });
  const events = text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const dev = events.find((e) => typeof e.dev === 'string')!.dev as string;
  const mms = [...new Set(events.flatMap((e) => (typeof e.mm === 'string' ? [e.mm] : [])))];
  let indexed = '';
  let plain = '';
  beforeAll(async () => {
    ({ indexed, plain } = await indexedPair(tmp, 'dbg', text, 100));
  });

  const scripts: [string, string[]][] = [
    ['a sparse PASID, past the end of the trace', ['break pasid 9', 'c', 'c', 'c', 'print', 'c', 'c', 'c', 'c', 'c', 'c', 'c', 'c', 'c', 'c', 'c', 'c', 'c', 'c', 'c', 'c', 'c', 'c', 'c', 'c', 'c', 'c', 'c', 'c', 'c', 'c']],
    ['a dense PASID, with a step and a goto between', ['break pasid 2', 'c', 'c', 's', 'c', 'goto 3000', 'c', 'print pasid 2']],
    ['a device and a seq breakpoint', [`break dev ${dev}`, 'break seq 2500', 'goto 2400', 'c', 'c', 'c', 'delete 1', 'c', 'c']],
    ['an mm, a watch, then reverse-continue', [`break mm ${mms[3]}`, 'c', 'c', `watch mm ${mms[mms.length - 1]}`, 'c', 'c', 'rc', 'c', 'c', 'c']],
    ['a PASID no event names', ['break pasid 77', 'c', 'print']],
  ];

  it.each(scripts)('%s: the same transcript as stepping every event', async (name, lines) => {
    const script = tmp.file(`s-${lines.length}-${lines[0].replace(/\W/g, '')}.cmds`, `${lines.join('\n')}\n`);
    let json = '';
    for (const extra of [['--json'], []]) {
      const viaIndex = await cli('debug', indexed, '--commands', script, ...extra);
      const stepped = await cli('debug', plain, '--commands', script, ...extra);
      expect([viaIndex.code, viaIndex.err]).toEqual([0, '']);
      expect(viaIndex.out).toBe(stepped.out);
      if (extra.length > 0) json = viaIndex.out;
    }
    const stops = json.trimEnd().split('\n').filter((l) => l.includes('"stop"'));
    expect(stops.length > 0).toBe(!name.includes('no event'));
  });
});
