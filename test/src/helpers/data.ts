import { seededRandom } from '@kindling/core/internal/partitioner/seeded-random';

/** Deterministic pseudo-random numbers (core's seeded mulberry32), so failures reproduce. */
export { seededRandom };

/** `n` integers in [lo, hi). */
export function randomInts(seed: number, n: number, lo = -1000, hi = 1000): number[] {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, () => lo + Math.floor(rand() * (hi - lo)));
}

/** `n` [key, value] pairs with keys drawn from `keys` distinct strings and integer values. */
export function randomPairs(seed: number, n: number, keys = 17): Array<[string, number]> {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, () => [`k${Math.floor(rand() * keys)}`, Math.floor(rand() * 100) - 50] as [string, number]);
}

/** Canonical order for comparing multisets of arbitrary JSON-able records. */
export function sorted<T>(xs: readonly T[]): T[] {
  return [...xs].sort((a, b) => {
    const sa = JSON.stringify(a);
    const sb = JSON.stringify(b);
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  });
}

/** Numeric ascending copy. */
export function numeric(xs: readonly number[]): number[] {
  return [...xs].sort((a, b) => a - b);
}
