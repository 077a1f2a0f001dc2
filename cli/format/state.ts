import type { StateView } from '../../projections/stateView.js';
import { textTable } from './table.js';

/** The state at a point as human tables (`state --at SEQ` without --json). */
export function stateTables(v: StateView): string {
  const parts: string[] = [`State after seq ${v.seq}\n`];
  parts.push(`\nPASIDs (${v.pasids.length})\n`);
  parts.push(textTable(['pasid', 'owner', 'mm/dev', 'flags', 'refs', 'state', 'bonds'], v.pasids.map((p) =>
    p.owner === 'sva'
      ? [String(p.pasid), p.owner, p.mm ?? '', String(p.flags ?? ''), String(p.refs ?? ''), p.state ?? '', (p.bonds ?? []).map((b) => `${b.dev}@${b.domain}`).join(' ')]
      : [String(p.pasid), p.owner, p.dev ?? '-', '', '', '', ''])));
  parts.push(`\nDevices (${v.devices.length})\n`);
  parts.push(textTable(['dev', 'driver', 'state', 'domain', 'features', 'range', 'pasids'], v.devices.map((d) => [
    d.dev + (d.implicit ? ' (implicit)' : ''), d.driver, d.state, d.domain ?? '-',
    d.sva ? String(d.sva.features) : '-', d.sva ? `${d.sva.min_pasid}-${d.sva.max_pasid}` : '-', d.pasids.join(' '),
  ])));
  parts.push(`\nDomains (${v.domains.length})\n`);
  parts.push(textTable(['domain', 'devices', 'pasid table'], v.domains.map((d) => [
    d.domain + (d.implicit ? ' (implicit)' : ''), d.devices.join(' '), d.table.map((t) => `${t.pasid}:${t.mm}`).join(' '),
  ])));
  parts.push(`\nPage requests in flight (${v.faults.length})\n`);
  parts.push(textTable(['dev', 'pasid', 'group', 'state', 'since'], v.faults.map((f) => [
    f.dev, String(f.pasid), String(f.group), f.state + (f.count ? ` x${f.count}` : ''), String(f.since),
  ])));
  parts.push(`\nBonds (${v.bonds.length}, latest per device and PASID)\n`);
  parts.push(textTable(['dev', 'pasid', 'mm', 'domain', 'since', 'state'], v.bonds.map((b) => [
    b.dev, String(b.pasid), b.mm, b.domain, String(b.since), b.ended ? `ended by ${b.ended.by} at ${b.ended.seq}` : b.state,
  ])));
  return parts.join('');
}
