/**
 * "Did you mean": the nearest of the known names to a mistyped one, by edit distance with
 * adjacent transpositions counting as one edit ("bnid" → "bind"), else the one known name the
 * word is a start of ("warn" → "warning"), or undefined when none is close enough to be a
 * plausible typo.
 */
export function closest(word: string, known: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of known) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  if (best !== undefined || word.length < 2) return best;
  // a shortened name ("warn" for "warning") when it starts exactly one known name
  const longer = known.filter((k) => k.toLowerCase().startsWith(word.toLowerCase()));
  return longer.length === 1 ? longer[0] : undefined;
}

/** ` (did you mean "X"?)` for the nearest known name, or '' when none is near. */
export function didYouMean(word: string, known: readonly string[]): string {
  const near = closest(word, known);
  return near === undefined ? '' : ` (did you mean "${near}"?)`;
}

/** Optimal string alignment distance: insert, delete, substitute, swap two neighbours. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i][j] = d;
    }
  }
  return rows[a.length][b.length];
}
