/**
 * Table macros for common questions (docs/sql.md). Rows live at seq S when they began at or
 * before S and had not ended by S (`to_seq` is the seq of the event that ended them).
 */
export interface Macro {
  name: string;
  doc: string;
  sql: string;
}

const liveAt = (name: string, table: string, doc: string): Macro => ({
  name,
  doc,
  sql: `CREATE MACRO ${name}(s) AS TABLE SELECT * FROM ${table} WHERE from_seq <= s AND (to_seq IS NULL OR to_seq > s)`,
});

export const MACROS: readonly Macro[] = [
  liveAt('live_pasids_at', 'pasid_lifetimes', 'PASIDs allocated after the event at seq s'),
  liveAt('live_bonds_at', 'bonds', 'bonds live after the event at seq s'),
  {
    name: 'page_requests_in_flight_at',
    doc: 'page-request groups queued or awaiting their response after the event at seq s',
    sql: 'CREATE MACRO page_requests_in_flight_at(s) AS TABLE SELECT * FROM page_requests WHERE first_seq <= s AND (response_seq IS NULL OR response_seq > s)',
  },
];
