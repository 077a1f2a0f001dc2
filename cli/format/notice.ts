import type { IndexNotice } from '../../timetravel/index/notice.js';
import type { CacheNotice } from '../../events/cache/notice.js';

/** One stderr line for an index notice. */
export function noticeLine(n: IndexNotice): string {
  switch (n.kind) {
    case 'stale':
      return `sva-replay: index ${n.path} is stale (${n.reason}); rebuilt it\n`;
    case 'otherProfile':
      return `sva-replay: ${n.path} was built for profile ${n.built}; replaying without it for ${n.wanted}\n`;
    case 'unwritable':
      return `sva-replay: ${n.stale === null ? '' : `index ${n.path} is stale (${n.stale}); `}cannot write ${n.path} (${n.reason}): working without it\n`;
    case 'damaged':
      if (n.foldFrom !== undefined) return `sva-replay: index ${n.path} is damaged (${n.reason}); folding the entity's events from seq ${n.foldFrom} instead\n`;
      return `sva-replay: index ${n.path} is damaged (${n.reason}); replaying from ${n.fromSeq === null ? 'the start' : `seq ${n.fromSeq}, the last good checkpoint before it`}\n`;
  }
}

/** One stderr line for an event cache notice: the trace is parsed instead. */
export function cacheNoticeLine(n: CacheNotice): string {
  switch (n.kind) {
    case 'stale':
      return `sva-replay: event cache ${n.path} is stale (${n.reason}); parsing the trace (sva-replay index rebuilds it)\n`;
    case 'unusable':
      return `sva-replay: event cache ${n.path} cannot be used (${n.reason}); parsing the trace\n`;
    case 'damaged':
      return `sva-replay: event cache ${n.path} is damaged (${n.reason}); parsing the trace from line ${n.line}\n`;
  }
}
