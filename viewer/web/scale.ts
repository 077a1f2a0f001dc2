/** A linear map from an axis range [d0, d1] to pixels [r0, r1], and back. */
export interface Scale {
  (x: number): number;
  invert(px: number): number;
  d0: number;
  d1: number;
}

export function linear(d0: number, d1: number, r0: number, r1: number): Scale {
  const k = (r1 - r0) / (d1 - d0 || 1);
  const s = ((x: number) => r0 + (x - d0) * k) as Scale;
  s.invert = (px: number) => d0 + (px - r0) / k;
  s.d0 = d0;
  s.d1 = d1;
  return s;
}

/** About `count` round tick values in [d0, d1]. */
export function ticks(d0: number, d1: number, count: number): number[] {
  const span = d1 - d0;
  if (!(span > 0)) return [d0];
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(d0 / step) * step; v <= d1 && out.length < 1000; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}
