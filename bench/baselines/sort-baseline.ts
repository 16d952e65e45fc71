/**
 * The shuffle benchmark's baseline: the same records generated and sorted in one process with
 * Array.prototype.sort on the numeric key.
 */

export type SortRecord = [number, string];

/**
 * Record i: a pseudo-random key in [0, 1) (murmur3's finaliser over i) and a short string value.
 * Shipped to executors as-is (the same function the baseline calls), so it must not use
 * anything from an enclosing scope.
 */
export const makeRecord = (i: number): SortRecord => {
  let h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return [(h >>> 0) / 4294967296, 'v' + i.toString(36)];
};

export function sortBaseline(n: number): { count: number; generateMs: number; sortMs: number; sorted: boolean } {
  const t0 = performance.now();
  const records = new Array<SortRecord>(n);
  for (let i = 0; i < n; i++) records[i] = makeRecord(i);
  const t1 = performance.now();
  records.sort((a, b) => a[0] - b[0]);
  const t2 = performance.now();
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = records[i - 1]![0] <= records[i]![0];
  return { count: records.length, generateMs: t1 - t0, sortMs: t2 - t1, sorted };
}
