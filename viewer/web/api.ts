/** The server's JSON API (viewer/server/api.ts); the shapes the page reads. */
import type { FindingDetail, PointAnswer } from '../query/point.js';
import type { RangeAnswer } from '../query/range.js';
import type { SearchAnswer } from '../query/search.js';
import type { TablesDiff } from '../../timetravel/query/diff.js';

export type { FindingDetail, PointAnswer, RangeAnswer, SearchAnswer, TablesDiff };

export interface LaneMeta {
  id: string;
  kind: 'pasid' | 'dev' | 'tid';
  label: string;
  spans: number;
}

export interface Meta {
  file: string;
  profile: string;
  events: number;
  first: number;
  last: number;
  ts: [number, number] | null;
  lanes: LaneMeta[];
  findings: number;
  rules: Record<string, { severity: string; title: string }>;
}

export class ApiError extends Error {}

export async function get<T>(path: string, params: Record<string, string | number> = {}): Promise<T> {
  const q = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  const res = await fetch(`${path}${q.size > 0 ? `?${q}` : ''}`);
  const body = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new ApiError(body.error ?? `${res.status}`);
  return body;
}
