/** A request the server refuses with 400 and this message. */
export class BadRequest extends Error {}

/** Query parameters, checked: unknown names and malformed values are a BadRequest. */
export class Params {
  constructor(private readonly q: URLSearchParams, allowed: readonly string[]) {
    for (const name of q.keys()) if (!allowed.includes(name)) throw new BadRequest(`unknown parameter "${name}" (expected: ${allowed.join(', ') || 'none'})`);
  }

  has(name: string): boolean {
    return this.q.has(name);
  }

  text(name: string, fallback?: string): string {
    const v = this.q.get(name);
    if (v === null) {
      if (fallback !== undefined) return fallback;
      throw new BadRequest(`missing parameter "${name}"`);
    }
    return v;
  }

  /** A finite number; `integer` also requires a whole one >= `min`. */
  number(name: string, opts: { fallback?: number; integer?: boolean; min?: number; max?: number } = {}): number {
    const v = this.q.get(name);
    if (v === null) {
      if (opts.fallback !== undefined) return opts.fallback;
      throw new BadRequest(`missing parameter "${name}"`);
    }
    const pattern = opts.integer ? /^-?\d{1,16}$/ : /^-?(\d{1,16}(\.\d{0,12})?|\.\d{1,12})([eE][-+]?\d{1,3})?$/;
    const n = Number(v);
    if (!pattern.test(v) || !Number.isFinite(n)) throw new BadRequest(`parameter "${name}" expects ${opts.integer ? 'an integer' : 'a number'}, got "${v.slice(0, 40)}"`);
    if (opts.min !== undefined && n < opts.min) throw new BadRequest(`parameter "${name}" must be at least ${opts.min}, got ${v}`);
    if (opts.max !== undefined && n > opts.max) throw new BadRequest(`parameter "${name}" must be at most ${opts.max}, got ${v}`);
    return n;
  }

  choice<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const v = this.q.get(name);
    if (v === null) return fallback;
    if (!(choices as readonly string[]).includes(v)) throw new BadRequest(`parameter "${name}" expects one of ${choices.join(', ')}, got "${v.slice(0, 40)}"`);
    return v as T;
  }
}
