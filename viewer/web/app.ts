import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { get, type Meta, type PointAnswer, type RangeAnswer, type SearchAnswer, type TablesDiff } from './api.js';
import { html } from './html.js';
import { DiffView, PointView, SearchView } from './panel.js';
import { LABEL, ROW, Timeline } from './timeline.js';

type Axis = 'seq' | 'ts';

function useSize(ref: { current: HTMLElement | null }): [number, number] {
  const [size, setSize] = useState<[number, number]>([1000, 500]);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setSize([Math.max(LABEL + 100, el.clientWidth), Math.max(200, el.clientHeight)]);
    measure();
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  }, [ref.current]);
  return size;
}

const initialAt = (): number | null => {
  const at = new URLSearchParams(location.search).get('at');
  return at !== null && /^\d+$/.test(at) ? Number(at) : null;
};

/** The page: header (axis, zoom, search), the timeline, and the panel at the cursor. */
export function App() {
  const [meta, setMeta] = useState<Meta | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [axis, setAxis] = useState<Axis>('seq');
  const [view, setView] = useState<[number, number]>([0, 1]);
  const [first, setFirst] = useState(0);
  const [range, setRange] = useState<RangeAnswer | null>(null);
  const [point, setPoint] = useState<PointAnswer | null>(null);
  const [point2, setPoint2] = useState<PointAnswer | null>(null);
  const [diff, setDiff] = useState<TablesDiff | null>(null);
  const [found, setFound] = useState<SearchAnswer | null>(null);
  const [query, setQuery] = useState('');
  const [busy, setBusy] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const [width, height] = useSize(box);

  const domain = useCallback((m: Meta, a: Axis): [number, number] => (a === 'ts' && m.ts ? [m.ts[0], m.ts[1] > m.ts[0] ? m.ts[1] : m.ts[0] + 1e-6] : [m.first, m.last + 1]), []);
  const fail = (e: unknown) => setError(e instanceof Error ? e.message : String(e));

  useEffect(() => {
    get<Meta>('/api/meta').then((m) => {
      setMeta(m);
      setView(domain(m, 'seq'));
      const at = initialAt();
      if (at !== null) moveTo(at, false);
    }, fail);
  }, []);

  const rows = Math.max(1, Math.floor((height - 40) / ROW));
  useEffect(() => {
    if (!meta) return;
    const t = setTimeout(() => {
      get<RangeAnswer>('/api/range', { axis, from: view[0], to: view[1], width: Math.max(1, Math.round(width - LABEL)), first, count: rows + 1 })
        .then(setRange, fail);
    }, 15);
    return () => clearTimeout(t);
  }, [meta, axis, view[0], view[1], width, first, rows]);

  const moveTo = useCallback((seq: number, second: boolean, byTs = false) => {
    setBusy(true);
    get<PointAnswer>('/api/at', byTs ? { ts: seq } : { seq: Math.max(0, Math.round(seq)) }).then((p) => {
      setBusy(false);
      if (!p) return;
      if (second) setPoint2(p);
      else {
        setPoint(p);
        const q = new URLSearchParams(location.search);
        q.set('at', String(p.seq));
        history.replaceState(null, '', `?${q}`);
      }
    }, (e) => { setBusy(false); fail(e); });
  }, []);

  // The diff of the two cursors, earlier point first as `diff --from A --to B`.
  useEffect(() => {
    if (!point || !point2) { setDiff(null); return; }
    get<TablesDiff>('/api/diff', { from: point.seq, to: point2.seq }).then(setDiff, fail);
  }, [point?.seq, point2?.seq]);

  const pos = (p: PointAnswer | null) => (p === null ? null : axis === 'ts' && p.ts !== null ? p.ts : p.seq);

  // Keep the cursor in view when it moves off screen.
  useEffect(() => {
    const v = pos(point);
    if (v === null || (v >= view[0] && v <= view[1])) return;
    const half = (view[1] - view[0]) / 2;
    setView([v - half, v + half]);
  }, [point?.seq]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement).tagName === 'INPUT' || !point) return;
      const to = e.key === 'ArrowLeft' ? point.prev : e.key === 'ArrowRight' ? point.next : e.key === '[' ? point.prevFinding : e.key === ']' ? point.nextFinding : undefined;
      if (to === undefined) return;
      e.preventDefault();
      if (to !== null) moveTo(to, false);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [point]);

  const zoom = (k: number) => {
    const mid = (view[0] + view[1]) / 2;
    const half = ((view[1] - view[0]) / 2) * k;
    setView([mid - half, mid + half]);
  };
  const switchAxis = (a: Axis) => {
    if (!meta) return;
    setAxis(a);
    setView(domain(meta, a));
  };
  const submit = (e: Event) => {
    e.preventDefault();
    setError(null);
    get<SearchAnswer>('/api/history', { q: query }).then(setFound, fail);
  };
  const highlight = useMemo(() => new Set(found?.lanes ?? []), [found]);
  const go = (seq: number) => moveTo(seq, false);

  if (!meta) return html`<div class="loading">${error ?? 'loading…'}</div>`;
  return html`<div class="page" data-busy=${busy ? '1' : '0'}>
    <header>
      <b>${meta.file}</b> <span class="dim">${meta.events.toLocaleString()} events · seq ${meta.first}..${meta.last} · profile ${meta.profile} · ${meta.findings} finding${meta.findings === 1 ? '' : 's'}</span>
      <span class="controls">
        axis <select value=${axis} onChange=${(e: Event) => switchAxis((e.target as HTMLSelectElement).value as Axis)}>
          <option value="seq">seq</option>${meta.ts ? html`<option value="ts">time (ts)</option>` : null}</select>
        <button onClick=${() => zoom(0.5)} title="zoom in (ctrl+wheel)">+</button>
        <button onClick=${() => zoom(2)} title="zoom out">−</button>
        <button onClick=${() => setView(domain(meta, axis))}>all</button>
        <form onSubmit=${submit}><input name="search" placeholder="pasid 7 · dev 0000:6a:01.0 · mm 0x…" value=${query}
          onInput=${(e: Event) => setQuery((e.target as HTMLInputElement).value)} /></form>
      </span>
    </header>
    ${error ? html`<div class="error" data-error>${error} <button onClick=${() => setError(null)}>×</button></div>` : null}
    <main>
      <div class="timeline-box" ref=${box}>
        <${Timeline} lanes=${meta.lanes} range=${range} from=${view[0]} to=${view[1]} width=${width} height=${height} first=${first}
          axisLabel=${(v: number) => (axis === 'ts' ? v.toFixed(6) : String(Math.round(v)))}
          cursor=${pos(point)} cursor2=${pos(point2)} highlight=${highlight}
          onPick=${(v: number, second: boolean) => moveTo(v, second, axis === 'ts')} onFinding=${go}
          onView=${(a: number, b: number) => setView([a, b])} onScroll=${setFirst} />
      </div>
      <aside class="panel">
        ${found ? html`<${SearchView} answer=${found} go=${go} clear=${() => setFound(null)} />` : null}
        ${diff && point && point2 ? html`<${DiffView} diff=${diff} from=${point.seq} to=${point2.seq} clear=${() => setPoint2(null)} />` : null}
        ${point ? html`<${PointView} point=${point} go=${go} />` : html`<div class="hint">Click the timeline or a finding to place the cursor; shift-click places a second cursor and shows the diff. Keys: ← → step, [ ] findings.</div>`}
      </aside>
    </main>
  </div>`;
}
