import { basename } from 'node:path';
import { RULES } from '../../audit/rules/index.js';
import { QueryError } from '../../timetravel/errors.js';
import { jsonText } from '../../timetravel/render.js';
import type { Timeline } from '../../timetravel/timeline.js';
import type { LaneData } from '../lanes/types.js';
import { floorIndex, hasTimeAxis, type AxisName } from '../query/axis.js';
import { diffBetween, pointAt } from '../query/point.js';
import { rangeQuery } from '../query/range.js';
import { parseSearch, search, type SearchAnswer } from '../query/search.js';
import { BadRequest, Params } from './params.js';

/** The trace the server shows: its lanes and its timeline (seeks through the index). */
export interface ViewedTrace {
  file: string;
  data: LaneData;
  timeline: Timeline;
}

const MAX_WIDTH = 8192;
const MAX_LANES = 2000;
const AXES: readonly AxisName[] = ['seq', 'ts'];

/** The API: each handler answers JSON text, or throws BadRequest. */
export class Api {
  private readonly timeAxis: boolean;
  private readonly searches = new Map<string, Promise<SearchAnswer>>();

  constructor(private readonly trace: ViewedTrace) {
    this.timeAxis = hasTimeAxis(trace.data);
  }

  readonly routes: Record<string, (p: URLSearchParams) => Promise<string>> = {
    '/api/meta': async (q) => this.meta(new Params(q, [])),
    '/api/range': async (q) => this.range(new Params(q, ['axis', 'from', 'to', 'width', 'first', 'count'])),
    '/api/at': async (q) => this.at(new Params(q, ['seq', 'ts'])),
    '/api/diff': async (q) => this.diff(new Params(q, ['from', 'to'])),
    '/api/history': async (q) => this.history(new Params(q, ['q'])),
  };

  private meta(_p: Params): string {
    const d = this.trace.data;
    const first = d.events > 0 ? d.seqs[0] : 0;
    const last = d.events > 0 ? d.seqs[d.events - 1] : 0;
    return jsonText({
      file: basename(this.trace.file), profile: d.profile, events: d.events, first, last,
      ts: this.timeAxis ? [d.ts![0], d.ts![d.events - 1]] : null,
      lanes: d.lanes.map((l) => ({ id: l.id, kind: l.kind, label: l.label, spans: l.spans.length })),
      findings: d.findings.length,
      rules: Object.fromEntries(RULES.map((r) => [r.id, { severity: r.severity, title: r.title }])),
    });
  }

  private range(p: Params): string {
    const axis = p.choice('axis', AXES, 'seq');
    if (axis === 'ts' && !this.timeAxis) throw new BadRequest('this trace has no time axis (not every event has a non-decreasing ts)');
    const from = p.number('from');
    const to = p.number('to');
    if (!(to > from)) throw new BadRequest(`parameter "to" must be greater than "from" (${from})`);
    const width = p.number('width', { integer: true, min: 1, max: MAX_WIDTH });
    const first = p.number('first', { integer: true, min: 0, fallback: 0 });
    const count = p.number('count', { integer: true, min: 0, max: MAX_LANES, fallback: MAX_LANES });
    return jsonText(rangeQuery(this.trace.data, { axis, from, to, width, first, count }));
  }

  private async at(p: Params): Promise<string> {
    const d = this.trace.data;
    let seq: number;
    if (p.has('ts')) {
      if (!this.timeAxis) throw new BadRequest('this trace has no time axis');
      const i = Math.max(0, floorIndex(d.ts!, p.number('ts')));
      seq = d.events > 0 ? d.seqs[i] : 0;
    } else seq = p.number('seq', { integer: true, min: 0 });
    return jsonText(await pointAt(d, this.trace.timeline, seq));
  }

  private async diff(p: Params): Promise<string> {
    const from = p.number('from', { integer: true, min: 0 });
    const to = p.number('to', { integer: true, min: 0 });
    return jsonText({ from, to, ...(await diffBetween(this.trace.timeline, from, to)) });
  }

  private async history(p: Params): Promise<string> {
    const text = p.text('q').slice(0, 200);
    let entity;
    try {
      entity = parseSearch(text);
    } catch (e) {
      if (e instanceof QueryError) throw new BadRequest(`search: ${e.message} (try "pasid 7", "dev 0000:6a:01.0" or "mm 0x...")`);
      throw e;
    }
    const key = JSON.stringify(entity);
    let answer = this.searches.get(key);
    if (!answer) {
      answer = search(this.trace.data, this.trace.timeline, entity);
      if (this.searches.size >= 16) this.searches.delete(this.searches.keys().next().value as string);
      this.searches.set(key, answer);
      answer.catch(() => this.searches.delete(key));
    }
    return jsonText(await answer);
  }
}
