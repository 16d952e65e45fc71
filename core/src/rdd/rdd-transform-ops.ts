import { IllegalArgumentError } from '../errors.js';
import { HashPartitioner } from '../partitioner/hash-partitioner.js';
import type { Partitioner } from '../partitioner/partitioner.js';
import { RangePartitioner } from '../partitioner/range-partitioner.js';
import { countApproxDistinctByKey } from './approx-distinct.js';
import { markLocal, markReliable, isCheckpointed, checkpointFile } from './checkpoint.js';
import * as pair from './pair-functions.js';
import { partitionOpDefinition } from './partition-ops.js';
import { tokenizeCommand } from './pipe.js';
import type { Env, Pair, RDD } from './rdd.js';
import * as sampling from './sampling.js';
import * as sets from './set-operations.js';
import { callSiteLabel } from './ship.js';
import { shuffledDefinition } from './shuffled.js';
import { DeferredRangePartitioner } from './deferred-range-partitioner.js';
import * as zips from './zip.js';

type AnyPair = RDD<Pair<unknown, unknown>>;

/**
 * RDD transformations beyond the core set in rdd.ts (Spark's RDD, PairRDDFunctions and
 * OrderedRDDFunctions names and argument order), plus naming and checkpointing. RDD extends
 * this class; every method runs with `this` as that RDD.
 */
export abstract class RddTransformOps<T> {
  /** Spark's RDD.name: shown in toDebugString and in listener events' rddInfos. */
  name: string | undefined = undefined;

  setName(this: RDD<T>, name: string): RDD<T> {
    this.name = name;
    return this;
  }

  /** Each partition as one array. */
  glom(this: RDD<T>): RDD<T[]> {
    const { label } = callSiteLabel();
    return this.kc.makeRdd(partitionOpDefinition(this, 'glom', {}, false), `glom at ${label}`);
  }

  /** Pairs the i-th records of both RDDs; both need the same partition count and partition sizes. */
  zip<U>(this: RDD<T>, other: RDD<U>): RDD<[T, U]> {
    return zips.zip(this, other);
  }

  /** `fn(thisPartition, otherPartition..., env)` over the same-index partitions of up to four RDDs. */
  zipPartitions<A, R, E extends Env = Env>(this: RDD<T>, other: RDD<A>, fn: (a: Iterable<T>, b: Iterable<A>, env: E) => Iterable<R>, env?: E): RDD<R>;
  zipPartitions<A, B, R, E extends Env = Env>(
    this: RDD<T>,
    o1: RDD<A>,
    o2: RDD<B>,
    fn: (a: Iterable<T>, b: Iterable<A>, c: Iterable<B>, env: E) => Iterable<R>,
    env?: E,
  ): RDD<R>;
  zipPartitions<A, B, C, R, E extends Env = Env>(
    this: RDD<T>,
    o1: RDD<A>,
    o2: RDD<B>,
    o3: RDD<C>,
    fn: (a: Iterable<T>, b: Iterable<A>, c: Iterable<B>, d: Iterable<C>, env: E) => Iterable<R>,
    env?: E,
  ): RDD<R>;
  zipPartitions(this: RDD<T>, ...args: unknown[]): RDD<unknown> {
    const fnAt = args.findIndex((a) => typeof a === 'function');
    if (fnAt < 0 || args.length > fnAt + 2) throw new IllegalArgumentError('zipPartitions takes one to three other RDDs, a function, and an optional env');
    return zips.zipPartitions(this, args.slice(0, fnAt) as RDD<unknown>[], args[fnAt] as Function, args[fnAt + 1] as Env | undefined);
  }

  /** [record, index] with indices 0.. in partition order (runs a job to count partitions first). */
  zipWithIndex(this: RDD<T>): RDD<[T, number]> {
    return zips.zipWithIndex(this);
  }

  /** [record, id]: ids k*n + p for the k-th record of partition p of n; no job needed. */
  zipWithUniqueId(this: RDD<T>): RDD<[T, number]> {
    return zips.zipWithUniqueId(this);
  }

  cartesian<U>(this: RDD<T>, other: RDD<U>): RDD<[T, U]> {
    return zips.cartesian(this, other);
  }

  /** Distinct records present in both RDDs. */
  intersection(this: RDD<T>, other: RDD<T>, numPartitions?: number | Partitioner): RDD<T> {
    return sets.intersection(this, other, numPartitions);
  }

  /** Records whose value does not occur in `other` (duplicates kept). */
  subtract(this: RDD<T>, other: RDD<T>, numPartitions?: number | Partitioner): RDD<T> {
    return sets.subtract(this, other, numPartitions);
  }

  groupBy<K, E extends Env = Env>(this: RDD<T>, fn: (x: T, env: E) => K, numPartitions?: number | Partitioner, env?: E): RDD<Pair<K, T[]>> {
    return sets.groupBy(this, fn, numPartitions, env);
  }

  /** Spark's groupWith: cogroup with one to three other RDDs and the default partitioner. */
  groupWith<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<Pair<K, W>>): RDD<Pair<K, [V[], W[]]>>;
  groupWith<K, V, W1, W2>(this: RDD<Pair<K, V>>, o1: RDD<Pair<K, W1>>, o2: RDD<Pair<K, W2>>): RDD<Pair<K, [V[], W1[], W2[]]>>;
  groupWith<K, V, W1, W2, W3>(
    this: RDD<Pair<K, V>>,
    o1: RDD<Pair<K, W1>>,
    o2: RDD<Pair<K, W2>>,
    o3: RDD<Pair<K, W3>>,
  ): RDD<Pair<K, [V[], W1[], W2[], W3[]]>>;
  groupWith(this: AnyPair, ...others: AnyPair[]): RDD<unknown> {
    if (others.length < 1 || others.length > 3) throw new IllegalArgumentError('groupWith takes one to three other RDDs');
    return pair.cogroup(this, others, undefined);
  }

  /** Sample splits with these relative weights; deterministic for a seed. */
  randomSplit(this: RDD<T>, weights: number[], seed?: number): RDD<T>[] {
    return sampling.randomSplit(this, weights, seed);
  }

  /** Per-key Bernoulli (or Poisson) sample; `fractions` maps every key to its rate (a Map; a plain object only for string keys). */
  sampleByKey<K, V>(this: RDD<Pair<K, V>>, withReplacement: boolean, fractions: Map<K, number> | Record<string, number>, seed?: number): RDD<Pair<K, V>> {
    return sampling.sampleByKey(this, withReplacement, fractions, seed);
  }

  /** Exactly ceil(rate * count(k)) records per key k (runs a counting job first). */
  sampleByKeyExact<K, V>(this: RDD<Pair<K, V>>, withReplacement: boolean, fractions: Map<K, number> | Record<string, number>, seed?: number): RDD<Pair<K, V>> {
    return sampling.sampleByKeyExact(this, withReplacement, fractions, seed);
  }

  /** Approximate distinct values per key (HyperLogLog++), as [key, estimate]. */
  countApproxDistinctByKey<K, V>(this: RDD<Pair<K, V>>, relativeSD = 0.05, numPartitions?: number | Partitioner): RDD<Pair<K, number>> {
    return countApproxDistinctByKey(this, relativeSD, numPartitions);
  }

  /** Pairs whose key lies in [lower, upper]; with a range partitioner, other partitions are not read. */
  filterByRange<K, V>(this: RDD<Pair<K, V>>, lower: K, upper: K): RDD<Pair<K, V>> {
    const { label } = callSiteLabel();
    const part = this.partitioner;
    const args = { lower, upper, from: 0, to: Number.MAX_SAFE_INTEGER };
    const prune = () => {
      const range = part instanceof DeferredRangePartitioner ? part : part instanceof RangePartitioner ? part : undefined;
      if (!range) return;
      const a = range.getPartition(lower);
      const b = range.getPartition(upper);
      args.from = Math.min(a, b);
      args.to = Math.max(a, b);
    };
    const def = partitionOpDefinition(this, 'filterByRange', args, true);
    if (part instanceof DeferredRangePartitioner) def.prepare = async () => prune();
    else prune();
    return this.kc.makeRdd(def, `filterByRange at ${label}`);
  }

  /** One shuffle that partitions by `partitioner` and sorts each partition by key. */
  repartitionAndSortWithinPartitions<K, V>(this: RDD<Pair<K, V>>, partitioner: Partitioner | number): RDD<Pair<K, V>> {
    const p = typeof partitioner === 'number' ? new HashPartitioner(partitioner) : partitioner;
    const { label } = callSiteLabel();
    return this.kc.makeRdd(shuffledDefinition(this, p, { ordering: { ascending: true } }), `repartitionAndSortWithinPartitions at ${label}`);
  }

  /** Each partition's records, one line each, through a child process per partition; its output lines. */
  pipe(this: RDD<T>, command: string | string[], env: Record<string, string> = {}): RDD<string> {
    const argv = tokenizeCommand(command);
    if (argv.length === 0) throw new IllegalArgumentError('pipe() needs a command');
    for (const [k, v] of Object.entries(env)) {
      if (typeof v !== 'string') throw new IllegalArgumentError(`pipe() environment values must be strings; ${k} is ${typeof v}`);
    }
    const { label } = callSiteLabel();
    return this.kc.makeRdd(partitionOpDefinition(this, 'pipe', { command: argv, env }, false, 'PipedRDD'), `pipe at ${label}`);
  }

  /** Write this RDD to the checkpoint directory after the next job, then drop its lineage. */
  checkpoint(this: RDD<T>): void {
    markReliable(this);
  }

  /** Keep this RDD in the executors' block stores after the next job and drop its lineage (not fault tolerant). */
  localCheckpoint(this: RDD<T>): RDD<T> {
    markLocal(this);
    return this;
  }

  isCheckpointed(this: RDD<T>): boolean {
    return isCheckpointed(this);
  }

  /** The directory of a reliable checkpoint, once written. */
  getCheckpointFile(this: RDD<T>): string | undefined {
    return checkpointFile(this);
  }
}
