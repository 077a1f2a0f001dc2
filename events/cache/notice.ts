/**
 * What the event cache tells the user: it was there but could not be used, so the trace is
 * parsed instead (the answer is the same, only slower). Nothing below cli/ prints: cli/program.ts
 * listens (cli/format/notice.ts words it). Each cache is mentioned once per listener.
 */
export type CacheNotice =
  /** The trace changed since the cache was built: its index is stale too. */
  | { kind: 'stale'; path: string; reason: string }
  /** Unreadable, truncated, of another version, a footer failing its checksum. */
  | { kind: 'unusable'; path: string; reason: string }
  /** A block failed its checksum: the trace is parsed from `line` on. */
  | { kind: 'damaged'; path: string; reason: string; line: number };

let listener: ((n: CacheNotice) => void) | null = null;
let said = new Set<string>();

/** Where notices go from now on (null: nowhere); forgets which caches were mentioned. */
export function onCacheNotice(f: ((n: CacheNotice) => void) | null): void {
  listener = f;
  said = new Set();
}

export function cacheNotice(n: CacheNotice): void {
  if (said.has(n.path)) return;
  said.add(n.path);
  listener?.(n);
}
