import type { IndexNotice } from '../../timetravel/index/notice.js';

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
      return `sva-replay: index ${n.path} is damaged (${n.reason}); replaying from ${n.fromSeq === null ? 'the start' : `seq ${n.fromSeq}, the last good checkpoint before it`}\n`;
  }
}
