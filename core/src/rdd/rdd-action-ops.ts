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
import { withActionOptions as withOpts, withIteratorOptions, type ActionOptions } from '../context/action-options.js';

/**
 * RDD actions beyond the core set in rdd.ts, including Spark's DoubleRDDFunctions for RDDs of
 * numbers. RDD extends this class; every method runs with `this` as that RDD. Like the actions in
 * rdd.ts, each takes ActionOptions (`{ signal }`) as its last argument.
 */
export abstract class RddActionOps<T> extends RddTransformOps<T> {
  isEmpty(this: RDD<T>, options?: ActionOptions): Promise<boolean> {
    return withOpts(options, () => el.isEmpty(this));
  }

  /** The largest record by `compare` (default: compareKeys); rejects on an empty RDD. */
  max<E extends Env = Env>(this: RDD<T>, compare?: (a: T, b: T, env: E) => number, env?: E, options?: ActionOptions): Promise<T> {
    return withOpts(options, () => el.extreme(this, true, compare, env));
  }

  min<E extends Env = Env>(this: RDD<T>, compare?: (a: T, b: T, env: E) => number, env?: E, options?: ActionOptions): Promise<T> {
    return withOpts(options, () => el.extreme(this, false, compare, env));
  }

  collectAsMap<K, V>(this: RDD<Pair<K, V>>, options?: ActionOptions): Promise<Map<K, V>> {
    return withOpts(options, () => el.collectAsMap(this));
  }

  /** Values of `key`; reads only the key's partition when the RDD has a partitioner. */
  lookup<K, V>(this: RDD<Pair<K, V>>, key: K, options?: ActionOptions): Promise<V[]> {
    return withOpts(options, () => el.lookup(this, key));
  }

  /** `for await (const x of rdd.toLocalIterator())`: one job per partition, one partition in memory. */
  toLocalIterator(this: RDD<T>, options?: ActionOptions): AsyncGenerator<T, void, undefined> {
    return withIteratorOptions(options, el.toLocalIterator(this));
  }

  /** `num` records drawn at random (with or without replacement); deterministic for a seed. */
  takeSample(this: RDD<T>, withReplacement: boolean, num: number, seed?: number, options?: ActionOptions): Promise<T[]> {
    return withOpts(options, () => takeSample(this, withReplacement, num, seed));
  }

  treeAggregate<U, E extends Env = Env>(
    this: RDD<T>,
    zeroValue: U,
    seqOp: (acc: U, x: T, env: E) => U,
    combOp: (a: U, b: U, env: E) => U,
    depth = 2,
    env?: E,
    options?: ActionOptions,
  ): Promise<U> {
    return withOpts(options, () => treeAggregate(this, zeroValue, seqOp, combOp, depth, env));
  }

  treeReduce<E extends Env = Env>(this: RDD<T>, fn: (a: T, b: T, env: E) => T, depth = 2, env?: E, options?: ActionOptions): Promise<T> {
    return withOpts(options, () => treeReduce(this, fn, depth, env));
  }

  /** reduceByKey without a shuffle: per-partition maps merged on the driver. */
  reduceByKeyLocally<K, V, E extends Env = Env>(
    this: RDD<Pair<K, V>>,
    fn: (a: V, b: V, env: E) => V,
    env?: E,
    options?: ActionOptions,
  ): Promise<Map<K, V>> {
    return withOpts(options, () => el.reduceByKeyLocally(this, fn, env));
  }

  /** Approximate number of distinct records (HyperLogLog++ with Spark's relativeSD, default 0.05). */
  countApproxDistinct(this: RDD<T>, relativeSD = 0.05, options?: ActionOptions): Promise<number> {
    return withOpts(options, () => countApproxDistinct(this, relativeSD));
  }

  /** Part files of V8-serialized records, read back with kc.objectFile. */
  saveAsObjectFile(this: RDD<T>, path: string, options?: ActionOptions): Promise<void> {
    const callSite = `saveAsObjectFile at ${callSiteLabel().label}`;
    return withOpts(options, () => saveOutput(this, path, { action: 'saveAsObjectFile', callSite }));
  }

  // ---- numeric RDDs (Spark's DoubleRDDFunctions) ----

  sum(this: RDD<number>, options?: ActionOptions): Promise<number> {
    return withOpts(options, () => numeric.sum(this));
  }

  /** A StatCounter (count, mean, variance, max, min) computed in one pass. */
  stats(this: RDD<number>, options?: ActionOptions): Promise<StatCounter> {
    return withOpts(options, () => numeric.stats(this));
  }

  async mean(this: RDD<number>, options?: ActionOptions): Promise<number> {
    return (await this.stats(options)).mean;
  }

  async variance(this: RDD<number>, options?: ActionOptions): Promise<number> {
    return (await this.stats(options)).variance;
  }

  async sampleVariance(this: RDD<number>, options?: ActionOptions): Promise<number> {
    return (await this.stats(options)).sampleVariance;
  }

  async stdev(this: RDD<number>, options?: ActionOptions): Promise<number> {
    return (await this.stats(options)).stdev;
  }

  async sampleStdev(this: RDD<number>, options?: ActionOptions): Promise<number> {
    return (await this.stats(options)).sampleStdev;
  }

  /** Spark 2.1's alias of variance(). */
  popVariance(this: RDD<number>, options?: ActionOptions): Promise<number> {
    return this.variance(options);
  }

  /** Spark 2.1's alias of stdev(). */
  popStdev(this: RDD<number>, options?: ActionOptions): Promise<number> {
    return this.stdev(options);
  }

  /** Spark's histogram: `bucketCount` even buckets between min and max ([buckets, counts]), or counts for given bucket bounds. */
  histogram(this: RDD<number>, bucketCount: number, options?: ActionOptions): Promise<[number[], number[]]>;
  histogram(this: RDD<number>, buckets: number[], evenBuckets?: boolean, options?: ActionOptions): Promise<number[]>;
  histogram(
    this: RDD<number>,
    arg: number | number[],
    evenOrOptions?: boolean | ActionOptions,
    options?: ActionOptions,
  ): Promise<[number[], number[]] | number[]> {
    if (typeof arg === 'number') {
      return withOpts(evenOrOptions as ActionOptions | undefined, () => numeric.histogramEven(this, arg));
    }
    return withOpts(options, () => numeric.histogramBuckets(this, arg, evenOrOptions === true));
  }
}
