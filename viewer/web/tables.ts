import type { StateView } from '../../projections/stateView.js';
import { html } from './html.js';

const text = (v: unknown): string => (v === undefined || v === null ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v));

function Table({ title, head, rows }: { title: string; head: string[]; rows: { attrs: Record<string, string>; cells: unknown[] }[] }) {
  return html`<details open class="table">
    <summary>${title} (${rows.length})</summary>
    <table><thead><tr>${head.map((c) => html`<th>${c}</th>`)}</tr></thead>
    <tbody>${rows.map((r) => html`<tr ...${r.attrs}>${r.cells.map((c) => html`<td>${text(c)}</td>`)}</tr>`)}</tbody></table>
  </details>`;
}

/** The tables of `state --at` at the cursor; each PASID row carries `data-pasid`. */
export function StateTables({ state }: { state: StateView }) {
  return html`<div class="tables" data-state-seq=${state.seq}>
    <${Table} title="PASIDs" head=${['pasid', 'owner', 'mm/dev', 'flags', 'refs', 'state', 'bonds']} rows=${state.pasids.map((p) => ({
      attrs: { 'data-pasid': String(p.pasid), 'data-owner': p.owner },
      cells: p.owner === 'sva'
        ? [p.pasid, p.owner, p.mm, p.flags, p.refs, p.state, (p.bonds ?? []).map((b) => `${b.dev}@${b.domain}`).join(' ')]
        : [p.pasid, p.owner, p.dev, '', '', '', ''],
    }))} />
    <${Table} title="Devices" head=${['dev', 'driver', 'state', 'domain', 'features', 'range', 'pasids']} rows=${state.devices.map((d) => ({
      attrs: { 'data-dev': d.dev },
      cells: [d.dev + (d.implicit ? ' (implicit)' : ''), d.driver, d.state, d.domain, d.sva?.features, d.sva ? `${d.sva.min_pasid}-${d.sva.max_pasid}` : null, d.pasids.join(' ')],
    }))} />
    <${Table} title="Domains" head=${['domain', 'devices', 'pasid table']} rows=${state.domains.map((d) => ({
      attrs: { 'data-domain': d.domain },
      cells: [d.domain, d.devices.join(' '), d.table.map((t) => `${t.pasid}:${t.mm}`).join(' ')],
    }))} />
    <${Table} title="Page requests in flight" head=${['dev', 'pasid', 'group', 'state', 'since']} rows=${state.faults.map((f) => ({
      attrs: { 'data-fault': `${f.dev}/${f.pasid}/${f.group}` },
      cells: [f.dev, f.pasid, f.group, f.state + (f.count ? ` x${f.count}` : ''), f.since],
    }))} />
    <${Table} title="Bonds (latest per device and PASID)" head=${['dev', 'pasid', 'mm', 'domain', 'since', 'state']} rows=${state.bonds.map((b) => ({
      attrs: { 'data-bond': `${b.dev}/${b.pasid}` },
      cells: [b.dev, b.pasid, b.mm, b.domain, b.since, b.ended ? `ended by ${b.ended.by} at ${b.ended.seq}` : b.state],
    }))} />
  </div>`;
}
