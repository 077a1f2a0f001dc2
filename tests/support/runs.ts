/**
 * Property-test run counts. Each property states its full count (the depth it was written
 * for); `SVA_TEST_DEPTH` scales them: `npm test` runs at the default depth below, which still
 * reaches every branch the full counts reach (measured with `jest --coverage`, see the
 * README's Tests section), and `npm run test:deep` at 10x the full counts.
 */
const DEFAULT_DEPTH = 0.25;

function depth(): number {
  const raw = process.env.SVA_TEST_DEPTH;
  if (raw === undefined || raw === '') return DEFAULT_DEPTH;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`SVA_TEST_DEPTH must be a positive number, got "${raw}"`);
  return n;
}

/** The run count of a property written for `full` runs, at this run's depth (at least 10). */
export function runs(full: number): number {
  return Math.max(10, Math.round(full * depth()));
}
