import type { Env, Pair, RDD } from './rdd.js';
import { RddTransformOps } from './rdd-transform-ops.js';
import { countApproxDistinct } from './approx-distinct.js';
import * as el from './element-actions.js';
import * as numeric from './numeric-rdd.js';
import { saveOutput } from './output-commit.js';
import { takeSample } from './sampling.js';
import { callSiteLabel } from './ship.js';
import type { StatCounter } from './stat-counter.js';
import { treeAggregate, treeReduce } from './tree-aggregate.js';

/**
 * RDD actions beyond the core set in rdd.ts, including Spark's DoubleRDDFunctions for RDDs of
 * numbers. RDD extends this class; every method runs with `this` as that RDD.
 */
export abstract class RddActionOps<T> extends RddTransformOps<T> {
  isEmpty(this: RDD<T>): Promise<boolean> {
    return el.isEmpty(this);
  }

  /** The largest record by `compare` (default: compareKeys); rejects on an empty RDD. */
  max<E extends Env = Env>(this: RDD<T>, compare?: (a: T, b: T, env: E) => number, env?: E): Promise<T> {
    return el.extreme(this, true, compare, env);
  }

  min<E extends Env = Env>(this: RDD<T>, compare?: (a: T, b: T, env: E) => number, env?: E): Promise<T> {
    return el.extreme(this, false, compare, env);
  }

  collectAsMap<K, V>(this: RDD<Pair<K, V>>): Promise<Map<K, V>> {
    return el.collectAsMap(this);
  }

  /** Values of `key`; reads only the key's partition when the RDD has a partitioner. */
  lookup<K, V>(this: RDD<Pair<K, V>>, key: K): Promise<V[]> {
    return el.lookup(this, key);
  }

  /** `for await (const x of rdd.toLocalIterator())`: one job per partition, one partition in memory. */
  toLocalIterator(this: RDD<T>): AsyncGenerator<T, void, undefined> {
    return el.toLocalIterator(this);
  }

  /** `num` records drawn at random (with or without replacement); deterministic for a seed. */
  takeSample(this: RDD<T>, withReplacement: boolean, num: number, seed?: number): Promise<T[]> {
    return takeSample(this, withReplacement, num, seed);
  }

  treeAggregate<U, E extends Env = Env>(
    this: RDD<T>,
    zeroValue: U,
    seqOp: (acc: U, x: T, env: E) => U,
    combOp: (a: U, b: U, env: E) => U,
    depth = 2,
    env?: E,
  ): Promise<U> {
    return treeAggregate(this, zeroValue, seqOp, combOp, depth, env);
  }

  treeReduce<E extends Env = Env>(this: RDD<T>, fn: (a: T, b: T, env: E) => T, depth = 2, env?: E): Promise<T> {
    return treeReduce(this, fn, depth, env);
  }

  /** reduceByKey without a shuffle: per-partition maps merged on the driver. */
  reduceByKeyLocally<K, V, E extends Env = Env>(this: RDD<Pair<K, V>>, fn: (a: V, b: V, env: E) => V, env?: E): Promise<Map<K, V>> {
    return el.reduceByKeyLocally(this, fn, env);
  }

  /** Approximate number of distinct records (HyperLogLog++ with Spark's relativeSD, default 0.05). */
  countApproxDistinct(this: RDD<T>, relativeSD = 0.05): Promise<number> {
    return countApproxDistinct(this, relativeSD);
  }

  /** Part files of V8-serialized records, read back with kc.objectFile. */
  saveAsObjectFile(this: RDD<T>, path: string): Promise<void> {
    return saveOutput(this, path, { action: 'saveAsObjectFile', callSite: `saveAsObjectFile at ${callSiteLabel().label}` });
  }

  // ---- numeric RDDs (Spark's DoubleRDDFunctions) ----

  sum(this: RDD<number>): Promise<number> {
    return numeric.sum(this);
  }

  /** A StatCounter (count, mean, variance, max, min) computed in one pass. */
  stats(this: RDD<number>): Promise<StatCounter> {
    return numeric.stats(this);
  }

  async mean(this: RDD<number>): Promise<number> {
    return (await numeric.stats(this)).mean;
  }

  async variance(this: RDD<number>): Promise<number> {
    return (await numeric.stats(this)).variance;
  }

  async sampleVariance(this: RDD<number>): Promise<number> {
    return (await numeric.stats(this)).sampleVariance;
  }

  async stdev(this: RDD<number>): Promise<number> {
    return (await numeric.stats(this)).stdev;
  }

  async sampleStdev(this: RDD<number>): Promise<number> {
    return (await numeric.stats(this)).sampleStdev;
  }

  /** Spark 2.1's alias of variance(). */
  popVariance(this: RDD<number>): Promise<number> {
    return this.variance();
  }

  /** Spark 2.1's alias of stdev(). */
  popStdev(this: RDD<number>): Promise<number> {
    return this.stdev();
  }

  /** Spark's histogram: `bucketCount` even buckets between min and max ([buckets, counts]), or counts for given bucket bounds. */
  histogram(this: RDD<number>, bucketCount: number): Promise<[number[], number[]]>;
  histogram(this: RDD<number>, buckets: number[], evenBuckets?: boolean): Promise<number[]>;
  histogram(this: RDD<number>, arg: number | number[], evenBuckets = false): Promise<[number[], number[]] | number[]> {
    return typeof arg === 'number' ? numeric.histogramEven(this, arg) : numeric.histogramBuckets(this, arg, evenBuckets);
  }
}
