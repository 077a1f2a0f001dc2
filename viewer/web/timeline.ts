import { useRef } from 'preact/hooks';
import type { LaneMeta, RangeAnswer } from './api.js';
import { html } from './html.js';
import { linear, ticks } from './scale.js';

export const LABEL = 190;
export const AXIS = 22;
export const FINDINGS = 18;
export const ROW = 18;
const TOP = AXIS + FINDINGS;

export interface TimelineProps {
  lanes: LaneMeta[];
  range: RangeAnswer | null;
  from: number;
  to: number;
  width: number;
  height: number;
  first: number;
  axisLabel: (v: number) => string;
  cursor: number | null;
  cursor2: number | null;
  highlight: ReadonlySet<string>;
  onPick: (x: number, second: boolean) => void;
  onFinding: (seq: number) => void;
  onView: (from: number, to: number) => void;
  onScroll: (first: number) => void;
}

/** Consecutive pixel buckets where `on` holds, as [first, last] runs: one rect each, not one per pixel. */
function runs<T extends readonly number[]>(items: readonly T[], on: (t: T) => boolean): [number, number][] {
  const out: [number, number][] = [];
  for (const t of items) {
    if (!on(t)) continue;
    const last = out[out.length - 1];
    if (last && last[1] === t[0] - 1) last[1] = t[0];
    else out.push([t[0], t[0]]);
  }
  return out;
}

const marker = (x: number) => `M${x - 5},2 L${x + 5},2 L${x},${FINDINGS - 3} Z`;

/**
 * The lanes as SVG: axis, findings row, then one row per lane (only the rows in view are drawn;
 * the server sends them already summed to the pixel width). Drag pans, ctrl+wheel zooms at the
 * pointer, shift+wheel pans, a click moves the cursor (shift: the second cursor).
 */
export function Timeline(p: TimelineProps) {
  const drag = useRef<{ x: number; from: number; to: number; moved: boolean } | null>(null);
  const plot = p.width - LABEL;
  const x = linear(p.from, p.to, LABEL, p.width);
  const rows = Math.max(1, Math.floor((p.height - TOP) / ROW));
  const slices = new Map((p.range?.lanes ?? []).map((l) => [l.index, l]));
  const per = (p.to - p.from) / Math.max(1, plot);
  const bx = (b: number) => LABEL + b;

  const onMouseDown = (e: MouseEvent) => {
    if (e.button !== 0) return;
    drag.current = { x: e.clientX, from: p.from, to: p.to, moved: false };
  };
  const onMouseMove = (e: MouseEvent) => {
    const d = drag.current;
    if (!d) return;
    const dx = e.clientX - d.x;
    if (Math.abs(dx) > 3) d.moved = true;
    if (d.moved) p.onView(d.from - dx * per, d.to - dx * per);
  };
  const onMouseUp = (e: MouseEvent) => {
    const d = drag.current;
    drag.current = null;
    if (!d || d.moved) return;
    const rect = (e.currentTarget as SVGElement).getBoundingClientRect();
    const px = e.clientX - rect.left;
    if (px >= LABEL) p.onPick(x.invert(px), e.shiftKey);
  };
  const onWheel = (e: WheelEvent) => {
    if (!e.ctrlKey && !e.shiftKey) return;
    e.preventDefault();
    const rect = (e.currentTarget as SVGElement).getBoundingClientRect();
    if (e.shiftKey) {
      const dv = (e.deltaY || e.deltaX) * per;
      p.onView(p.from + dv, p.to + dv);
      return;
    }
    const at = x.invert(Math.max(LABEL, e.clientX - rect.left));
    const k = e.deltaY > 0 ? 1.25 : 0.8;
    p.onView(at - (at - p.from) * k, at + (p.to - at) * k);
  };

  const axisTicks = ticks(p.from, p.to, Math.max(2, Math.floor(plot / 110)));
  const visible = p.lanes.slice(p.first, p.first + rows);
  const cursorLine = (v: number | null, cls: string, attr: Record<string, string>) =>
    v === null || v < p.from || v > p.to ? null : html`<line class=${cls} x1=${x(v)} x2=${x(v)} y1=${AXIS} y2=${p.height} ...${attr} />`;

  return html`<div class="timeline-scroll" onScroll=${(e: Event) => p.onScroll(Math.floor((e.currentTarget as HTMLElement).scrollTop / ROW))}>
    <div style=${{ height: `${TOP + p.lanes.length * ROW}px`, position: 'relative' }}>
    <svg class="timeline" width=${p.width} height=${p.height} style=${{ position: 'sticky', top: '0px' }}
      onMouseDown=${onMouseDown} onMouseMove=${onMouseMove} onMouseUp=${onMouseUp} onMouseLeave=${() => { drag.current = null; }} onWheel=${onWheel}>
      <rect class="axis-bg" x="0" y="0" width=${p.width} height=${AXIS} />
      ${axisTicks.map((v) => html`<g class="axis-tick"><line x1=${x(v)} x2=${x(v)} y1=${AXIS - 5} y2=${p.height} /><text x=${x(v) + 2} y=${AXIS - 8}>${p.axisLabel(v)}</text></g>`)}
      <text class="lane-label" x="4" y=${AXIS + FINDINGS - 5}>findings</text>
      <g class="findings" data-findings-row>
        ${(p.range?.findings ?? []).map((f) => html`<path class=${`marker sev-${f.severity}`} d=${marker(x(f.x))} transform=${`translate(0,${AXIS})`}
          data-finding-seq=${f.seq} data-rule=${f.rule} onMouseUp=${(e: MouseEvent) => { e.stopPropagation(); drag.current = null; p.onFinding(f.seq); }}>
          <title>${f.severity} ${f.rule} at seq ${f.seq}: ${f.entity}</title></path>`)}
        ${(p.range?.findingBuckets ?? []).map(([b, n, sev, seq]) => html`<rect class=${`marker-sum sev-${sev}`} x=${bx(b) - 1} y=${AXIS + 2} width="3" height=${FINDINGS - 4}
          data-finding-count=${n} onMouseUp=${(e: MouseEvent) => { e.stopPropagation(); drag.current = null; p.onFinding(seq); }}><title>${n} findings</title></rect>`)}
      </g>
      ${visible.map((lane, k) => {
        const i = p.first + k;
        const y = TOP + k * ROW;
        const s = slices.get(i);
        return html`<g class=${`lane lane-${lane.kind}${p.highlight.has(lane.id) ? ' highlight' : ''}`} data-lane=${lane.id}>
          <rect class="lane-bg" x="0" y=${y} width=${p.width} height=${ROW} />
          <text class="lane-label" x="4" y=${y + ROW - 5}>${lane.label}</text>
          ${(s?.bars ?? []).map(([x0, x1, cls, label, start, end, how]) => html`<rect class=${`bar own-${cls}`} x=${x(x0)} y=${y + 2}
            width=${Math.max(1, x(x1) - x(x0) - 1)} height=${ROW - 4} data-span-start=${start} data-span-end=${end ?? ''} data-cls=${cls}>
            <title>${lane.label}: ${label} (seq ${start}..${end ?? 'end'}${how ? `, ${how}` : ''})</title></rect>`)}
          ${runs([...(s?.dense ?? [])].sort((a, b) => a[0] - b[0]), () => true).map(([b0, b1]) => html`<rect class="dense" x=${bx(b0)} y=${y + 2} width=${b1 - b0 + 1} height=${ROW - 4} />`)}
          ${runs(s?.ticks ?? [], (t) => t[1] > 0).map(([b0, b1]) => html`<rect class="tick-req" x=${bx(b0)} y=${y} width=${b1 - b0 + 1} height="4" data-tick="request" />`)}
          ${runs(s?.ticks ?? [], (t) => t[2] > 0).map(([b0, b1]) => html`<rect class="tick-resp" x=${bx(b0)} y=${y + ROW - 4} width=${b1 - b0 + 1} height="4" data-tick="response" />`)}
        </g>`;
      })}
      ${cursorLine(p.cursor, 'cursor', { 'data-cursor-line': '1' })}
      ${cursorLine(p.cursor2, 'cursor2', { 'data-cursor2-line': '1' })}
    </svg></div>
  </div>`;
}
