import { IllegalArgumentError, KindlingError } from '../errors.js';
import { partitionOpDefinition } from './partition-ops.js';
import type { RDD } from './rdd.js';
import { callSiteLabel } from './ship.js';
import { StatCounter, type StatCounterState } from './stat-counter.js';

/** Spark's DoubleRDDFunctions for RDDs of numbers. */
function perPartition<R>(rdd: RDD<number>, op: string, args: unknown = {}): Promise<R[]> {
  const { label } = callSiteLabel();
  return rdd.kc.makeRdd<R>(partitionOpDefinition(rdd, op, args, false), `${op} at ${label}`).collect();
}

/** count, mean, variance, max and min in one pass, merged across partitions (numerically stable). */
export async function stats(rdd: RDD<number>): Promise<StatCounter> {
  const parts = await perPartition<StatCounterState>(rdd, 'stats');
  return parts.reduce((acc, s) => acc.merge(StatCounter.fromState(s)), new StatCounter());
}

export async function sum(rdd: RDD<number>): Promise<number> {
  const parts = await perPartition<number>(rdd, 'sum');
  return parts.reduce((a, b) => a + b, 0);
}

/** Counts per bucket; buckets [b0, b1), [b1, b2), ..., [b(n-1), bn] (the last one closed). */
export async function histogramBuckets(rdd: RDD<number>, buckets: number[], evenBuckets: boolean): Promise<number[]> {
  if (!Array.isArray(buckets) || buckets.length < 2) throw new IllegalArgumentError('buckets array must have at least two elements');
  for (let i = 0; i < buckets.length; i++) {
    if (typeof buckets[i] !== 'number' || Number.isNaN(buckets[i]) || (i > 0 && !(buckets[i]! > buckets[i - 1]!))) {
      throw new IllegalArgumentError(`histogram buckets must be numbers sorted in increasing order without duplicates, got [${buckets.join(', ')}]`);
    }
  }
  const parts = await perPartition<number[]>(rdd, 'histogram', { buckets, even: evenBuckets });
  const total = new Array<number>(buckets.length - 1).fill(0);
  for (const p of parts) p.forEach((c, i) => (total[i]! += c));
  return total;
}

/** Spark's histogram(bucketCount): evenly spaced buckets between the minimum and the maximum. */
export async function histogramEven(rdd: RDD<number>, bucketCount: number): Promise<[number[], number[]]> {
  if (!Number.isInteger(bucketCount) || bucketCount < 1) throw new IllegalArgumentError(`Number of buckets must be >= 1, got ${bucketCount}`);
  const s = await stats(rdd);
  const { min, max } = s;
  if (Number.isNaN(min) || Number.isNaN(max) || !Number.isFinite(min) || !Number.isFinite(max)) {
    throw new KindlingError('Histogram on either an empty RDD or RDD containing +/-infinity or NaN');
  }
  const buckets =
    min !== max ? [...Array.from({ length: bucketCount }, (_, i) => min + (i * (max - min)) / bucketCount), max] : [min, min];
  if (min === max) return [buckets, [s.count]];
  return [buckets, await histogramBuckets(rdd, buckets, true)];
}
