import type { PointAnswer, SearchAnswer, TablesDiff } from './api.js';
import { html } from './html.js';
import { StateTables } from './tables.js';

type Go = (seq: number) => void;

const json = (v: unknown) => JSON.stringify(v);

function SeqLink({ seq, go }: { seq: number; go: Go }) {
  return html`<button class="seq" data-goto-seq=${seq} onClick=${() => go(seq)}>seq ${seq}</button>`;
}

/** The event at the cursor: its line, what the model computed, the findings raised there. */
export function PointView({ point, go }: { point: PointAnswer; go: Go }) {
  const r = point.result;
  return html`<section class="point">
    <div class="cursor-line">Cursor at seq <b data-cursor-seq=${point.seq}>${point.seq}</b>
      <span class="dim"> (line ${point.line}${point.ts !== null ? `, ts ${point.ts}` : ''})</span></div>
    <div class="nav">
      <button disabled=${point.prev === null} onClick=${() => point.prev !== null && go(point.prev)} title="previous event (←)">◀ step</button>
      <button disabled=${point.next === null} onClick=${() => point.next !== null && go(point.next)} title="next event (→)">step ▶</button>
      <button disabled=${point.prevFinding === null} onClick=${() => point.prevFinding !== null && go(point.prevFinding)} title="previous finding ([)">[ finding</button>
      <button disabled=${point.nextFinding === null} onClick=${() => point.nextFinding !== null && go(point.nextFinding)} title="next finding (])">finding ]</button>
    </div>
    <code class="event" data-event-line>${point.event}</code>
    <div class="result" data-result>ret ${r.ret}${r.errno ? ` (${r.errno})` : ''}${r.pasid !== undefined ? ` · PASID ${r.pasid}` : ''}
      ${r.observed ? html`<div class="observed">log disagrees: ${json(r.observed)}</div>` : null}
      ${r.unfollowed ? html`<div class="observed">not followed: ${r.unfollowed}</div>` : null}</div>
    ${r.ops.length > 0 ? html`<ol class="ops" data-ops>${r.ops.map((o) => html`<li><code>${json(o)}</code></li>`)}</ol>` : html`<div class="dim">no driver operations</div>`}
    ${point.findings.map((f) => html`<div class=${`finding sev-${f.severity}`} data-finding-at=${f.seq} data-rule=${f.rule}>
      <div><b>${f.severity}</b> ${f.rule}: ${f.title}</div>
      <div>${f.entity}: ${f.message}</div>
      <p class="explanation">${f.explanation}</p>
      ${f.related.length > 0 ? html`<div>related: ${f.related.map((s) => html`<${SeqLink} seq=${s} go=${go} /> `)}</div>` : null}
    </div>`)}
    <${StateTables} state=${point.state} />
  </section>`;
}

const rowText = (v: unknown) => JSON.stringify(v);

/** The diff of the two cursors: what `diff --from A --to B` prints. */
export function DiffView({ diff, from, to, clear }: { diff: TablesDiff; from: number; to: number; clear: () => void }) {
  return html`<section class="diff" data-diff-from=${from} data-diff-to=${to}>
    <div><b>Diff</b> from seq ${from} to seq ${to}: ${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed
      <button onClick=${clear}>clear</button></div>
    <ul>
      ${diff.added.map((r) => html`<li class="added" data-diff-kind="added" data-table=${r.table} data-key=${r.key}>+ ${r.table}[${r.key}] ${rowText(r.row)}</li>`)}
      ${diff.removed.map((r) => html`<li class="removed" data-diff-kind="removed" data-table=${r.table} data-key=${r.key}>- ${r.table}[${r.key}] ${rowText(r.row)}</li>`)}
      ${diff.changed.map((c) => html`<li class="changed" data-diff-kind="changed" data-table=${c.table} data-key=${c.key}>~ ${c.table}[${c.key}] ${rowText(c.before)} → ${rowText(c.after)}</li>`)}
    </ul>
  </section>`;
}

/** What `history` computes for the searched entity; click an entry to move the cursor there. */
export function SearchView({ answer, go, clear }: { answer: SearchAnswer; go: Go; clear: () => void }) {
  return html`<section class="search" data-search=${answer.entity}>
    <div><b>${answer.entity}</b>: ${answer.total} change${answer.total === 1 ? '' : 's'}${answer.total > answer.entries.length ? ` (first ${answer.entries.length} shown)` : ''}
      <button onClick=${clear}>clear</button></div>
    <ul>${answer.entries.map((h) => html`<li data-history-seq=${h.seq}><${SeqLink} seq=${h.seq} go=${go} /> ${h.type} ${h.change.table}[${h.change.key}] ${h.change.kind}:
      ${Object.entries(h.change.fields).map(([f, c]) => `${f} ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`).join(', ')}</li>`)}</ul>
  </section>`;
}
