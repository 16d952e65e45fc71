import { IllegalArgumentError } from '../errors.js';
import { SeededRandom } from './seeded-random.js';

/**
 * Uniform sample of up to `k` items in one pass plus the total count (Spark's
 * SamplingUtils.reservoirSampleAndCount, Algorithm R). RangePartitioner's sketch needs both:
 * the sample for candidate bounds, the count to weight it. Deterministic for a given seed.
 */
export function reservoirSample<T>(it: Iterable<T>, k: number, seed: number): { sample: T[]; count: number } {
  if (!Number.isInteger(k) || k < 0) {
    throw new IllegalArgumentError(`Sample size must be a non-negative integer, got ${k}.`);
  }
  const sample: T[] = [];
  let count = 0;
  const rng = new SeededRandom(seed);
  for (const item of it) {
    count++;
    if (sample.length < k) {
      sample.push(item);
    } else if (k > 0) {
      // Item number `count` replaces a random slot with probability k / count.
      const j = Math.floor(rng.nextDouble() * count);
      if (j < k) sample[j] = item;
    }
  }
  return { sample, count };
}
