/**
 * The PASID table's lowest-free answer (an IDR's allocation, sva-model.md "PASID allocation")
 * equals a linear scan of the taken PASIDs, whatever was taken and freed before.
 */
import fc from 'fast-check';
import { PasidTable } from '../../replay/kernel/pasidTable.js';
import { runs } from '../support/runs.js';

const entry = { owner: 'sva' as const, since: 0 };
const scan = (t: Map<number, unknown>, min: number, max: number): number | null => {
  for (let p = Math.max(0, min); p <= max; p++) if (!t.has(p)) return p;
  return null;
};

describe('PasidTable.lowestFree', () => {
  it('given runs of taken PASIDs across word and level boundaries, answers as a scan', () => {
    const t = new PasidTable();
    for (let p = 0; p < 70_000; p++) t.set(p, entry);
    expect(t.lowestFree(0, 1048575)).toBe(70_000);
    expect(t.lowestFree(5, 69_999)).toBeNull();
    t.delete(32 * 1024 + 7);
    expect(t.lowestFree(1, 1048575)).toBe(32 * 1024 + 7);
    expect(t.lowestFree(32 * 1024 + 8, 1048575)).toBe(70_000);
    t.set(32 * 1024 + 7, entry);
    expect(t.lowestFree(1, 1048575)).toBe(70_000);
  });

  it('at the top of the 20-bit space and beyond it', () => {
    const t = new PasidTable();
    for (let p = 1048570; p <= 1048575; p++) t.set(p, entry);
    expect(t.lowestFree(1048570, 1048575)).toBeNull();
    expect(t.lowestFree(1048570, 1048577)).toBe(1048576);
    t.set(1048576, entry);
    expect(t.lowestFree(1048570, 1048577)).toBe(1048577);
    expect(t.lowestFree(1048569, 1048569)).toBe(1048569);
  });

  it('after any sequence of takes and frees, equals a linear scan (property)', () => {
    const op = fc.tuple(fc.boolean(), fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1048000, max: 1048600 })));
    const query = fc.tuple(fc.integer({ min: 0, max: 1048600 }), fc.integer({ min: 0, max: 1048600 }));
    fc.assert(fc.property(fc.array(op, { maxLength: 300 }), fc.array(query, { maxLength: 20 }), (ops, queries) => {
      const t = new PasidTable();
      const plain = new Map<number, unknown>();
      for (const [take, p] of ops) {
        if (take) { t.set(p, entry); plain.set(p, entry); } else { t.delete(p); plain.delete(p); }
      }
      for (const [a, b] of queries) expect(t.lowestFree(a, b)).toBe(scan(plain, a, b));
      expect(t.lowestFree(0, 1048575)).toBe(scan(plain, 0, 1048575));
    }), { numRuns: runs(200) });
  });
});
