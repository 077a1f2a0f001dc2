import type { TablesView } from '../../projections/tables.js';
import { COMMANDS } from './commands.js';

/** Entity names in the current tables: PASIDs, devices, mms. */
function names(tables: TablesView, kind: string): string[] {
  if (kind === 'pasid') return [...tables.table('pasids').keys()];
  if (kind === 'dev') return [...tables.table('devices').keys()];
  if (kind === 'mm') {
    const pasidMms = [...tables.table('pasids').values()].map((r) => (r.owner === 'sva' ? r.mm : undefined));
    const bondMms = [...tables.table('bonds').values()].map((r) => r.mm);
    const mms = [...pasidMms, ...bondMms].filter((m): m is string => typeof m === 'string');
    return [...new Set(mms)].sort();
  }
  return [];
}

/** A node:readline completer: command names, then entity kinds, then the names of that kind. */
export function completer(tables: () => TablesView) {
  return (line: string): [string[], string] => {
    const words = line.split(/\s+/);
    const partial = words[words.length - 1];
    let options: string[];
    if (words.length === 1) options = COMMANDS;
    else if (words.length === 2 && ['watch', 'unwatch', 'print'].includes(words[0])) {
      options = words[0] === 'print' ? ['pasid', 'dev', 'mm', 'tables'] : ['pasid', 'dev', 'mm'];
    } else if (words.length === 3) options = names(tables(), words[1]);
    else options = [];
    const hits = options.filter((o) => o.startsWith(partial));
    return [hits.length === 1 ? [`${hits[0]} `] : hits, partial];
  };
}
