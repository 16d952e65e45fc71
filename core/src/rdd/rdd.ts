import type { KindlingContext } from '../context/kindling-context.js';
import { IllegalArgumentError } from '../errors.js';
import type { Partitioner } from '../partitioner/partitioner.js';
import { StorageLevel } from '../storage/storage-level.js';
import type { Dependency } from './dependency.js';
import type { RddDefinition } from './rdd-definition.js';
import * as actions from './rdd-actions.js';
import * as pair from './pair-functions.js';
import * as basic from './basic-transformations.js';
import { toDebugString } from './debug-string.js';
import { RddActionOps } from './rdd-action-ops.js';
import { withActionOptions as withOpts, type ActionOptions } from '../context/action-options.js';

/** Environment object passed as the last argument of every shipped function. */
export type Env = Record<string, unknown>;
export type Pair<K, V> = [K, V];

/**
 * A resilient distributed dataset: an immutable, partitioned collection computed lazily from
 * its lineage. Transformations return new RDDs; actions run a job and return a Promise.
 *
 * Every method that takes functions takes one environment as its last argument; each of the
 * functions receives that environment as its own last argument:
 * `rdd.filter((x, env) => x > env.min, { min })`.
 */
export class RDD<T> extends RddActionOps<T> {
  readonly id: number;
  readonly partitioner: Partitioner | undefined;
  /** "map at app.ts:12": the operation and where the user called it. */
  readonly creationSite: string;
  storageLevel: StorageLevel = StorageLevel.NONE;
  /** Capture or encoding errors found when the RDD was defined; they fail the first action. */
  readonly shippingErrors: Error[];
  private def: RddDefinition;

  constructor(
    readonly kc: KindlingContext,
    def: RddDefinition,
    creationSite: string,
    shippingErrors: Error[] = [],
  ) {
    super();
    this.id = kc.newRddId();
    this.def = def;
    this.partitioner = def.partitioner;
    this.creationSite = creationSite;
    this.shippingErrors = shippingErrors;
  }

  get kind(): string {
    return this.def.kind;
  }

  get dependencies(): Dependency[] {
    return this.def.dependencies;
  }

  get className(): string {
    return this.def.className;
  }

  /** Internal: swaps in a new definition, e.g. a checkpoint that truncates the lineage. */
  replaceDefinition(def: RddDefinition): void {
    this.def = def;
  }

  /** Internal: the definition's pre-job work (see RddDefinition.prepare). */
  prepare(): Promise<void> {
    return this.def.prepare?.() ?? Promise.resolve();
  }

  get planArgs(): unknown {
    return this.def.planArgs;
  }

  getNumPartitions(): number {
    return this.def.numPartitions;
  }

  preferredLocations(partition: number): string[] {
    return this.def.preferredLocations?.(partition) ?? [];
  }

  toDebugString(): string {
    return toDebugString(this);
  }

  override toString(): string {
    return `${this.name !== undefined ? `${this.name} ` : ''}${this.className}[${this.id}] at ${this.creationSite}`;
  }

  // ---- persistence ----

  persist(level: StorageLevel = StorageLevel.MEMORY_ONLY): this {
    if (this.storageLevel !== StorageLevel.NONE && this.storageLevel !== level) {
      throw new IllegalArgumentError(
        `Cannot change storage level of an RDD after it was already assigned a level (${this.storageLevel.name} -> ${level.name}); call unpersist() first`,
      );
    }
    this.storageLevel = level;
    return this;
  }

  cache(): this {
    return this.persist(StorageLevel.MEMORY_ONLY);
  }

  async unpersist(): Promise<this> {
    this.storageLevel = StorageLevel.NONE;
    await this.kc.unpersistRdd(this);
    return this;
  }

  // ---- element-wise transformations ----

  map<U, E extends Env = Env>(fn: (x: T, env: E) => U, env?: E): RDD<U> {
    return basic.mapPartitionsOp(this, 'map', fn, env, false);
  }

  flatMap<U, E extends Env = Env>(fn: (x: T, env: E) => Iterable<U>, env?: E): RDD<U> {
    return basic.mapPartitionsOp(this, 'flatMap', fn, env, false);
  }

  filter<E extends Env = Env>(fn: (x: T, env: E) => boolean, env?: E): RDD<T> {
    return basic.mapPartitionsOp(this, 'filter', fn, env, true);
  }

  mapPartitions<U, E extends Env = Env>(
    fn: (it: Iterable<T>, env: E) => Iterable<U>,
    env?: E,
    preservesPartitioning = false,
  ): RDD<U> {
    return basic.mapPartitionsOp(this, 'mapPartitions', fn, env, preservesPartitioning);
  }

  mapPartitionsWithIndex<U, E extends Env = Env>(
    fn: (index: number, it: Iterable<T>, env: E) => Iterable<U>,
    env?: E,
    preservesPartitioning = false,
  ): RDD<U> {
    return basic.mapPartitionsOp(this, 'mapPartitionsWithIndex', fn, env, preservesPartitioning);
  }

  keyBy<K, E extends Env = Env>(fn: (x: T, env: E) => K, env?: E): RDD<Pair<K, T>> {
    return basic.mapPartitionsOp(this, 'keyBy', fn, env, false);
  }

  union(other: RDD<T>): RDD<T> {
    return basic.union(this, other);
  }

  distinct(numPartitions?: number): RDD<T> {
    return pair.distinct(this, numPartitions);
  }

  sample(withReplacement: boolean, fraction: number, seed?: number): RDD<T> {
    return basic.sample(this, withReplacement, fraction, seed);
  }

  repartition(numPartitions: number): RDD<T> {
    return basic.coalesce(this, numPartitions, true);
  }

  coalesce(numPartitions: number, shuffle = false): RDD<T> {
    return basic.coalesce(this, numPartitions, shuffle);
  }

  sortBy<K, E extends Env = Env>(
    fn: (x: T, env: E) => K,
    ascending = true,
    numPartitions?: number,
    env?: E,
  ): RDD<T> {
    return pair.sortBy(this, fn, ascending, numPartitions, env);
  }

  // ---- pair transformations (RDDs of [key, value]) ----

  keys<K, V>(this: RDD<Pair<K, V>>): RDD<K> {
    return basic.builtinOp(this, 'keys', false);
  }

  values<K, V>(this: RDD<Pair<K, V>>): RDD<V> {
    return basic.builtinOp(this, 'values', false);
  }

  mapValues<K, V, U, E extends Env = Env>(this: RDD<Pair<K, V>>, fn: (v: V, env: E) => U, env?: E): RDD<Pair<K, U>> {
    return basic.mapPartitionsOp(this, 'mapValues', fn, env, true);
  }

  flatMapValues<K, V, U, E extends Env = Env>(
    this: RDD<Pair<K, V>>,
    fn: (v: V, env: E) => Iterable<U>,
    env?: E,
  ): RDD<Pair<K, U>> {
    return basic.mapPartitionsOp(this, 'flatMapValues', fn, env, true);
  }

  combineByKey<K, V, C, E extends Env = Env>(
    this: RDD<Pair<K, V>>,
    createCombiner: (v: V, env: E) => C,
    mergeValue: (c: C, v: V, env: E) => C,
    mergeCombiners: (a: C, b: C, env: E) => C,
    numPartitions?: number | Partitioner,
    env?: E,
  ): RDD<Pair<K, C>> {
    return pair.combineByKey(this, createCombiner, mergeValue, mergeCombiners, numPartitions, env, true);
  }

  reduceByKey<K, V, E extends Env = Env>(
    this: RDD<Pair<K, V>>,
    fn: (a: V, b: V, env: E) => V,
    numPartitions?: number | Partitioner,
    env?: E,
  ): RDD<Pair<K, V>> {
    return pair.reduceByKey(this, fn, numPartitions, env);
  }

  foldByKey<K, V, E extends Env = Env>(
    this: RDD<Pair<K, V>>,
    zeroValue: V,
    fn: (a: V, b: V, env: E) => V,
    numPartitions?: number | Partitioner,
    env?: E,
  ): RDD<Pair<K, V>> {
    return pair.foldByKey(this, zeroValue, fn, numPartitions, env);
  }

  aggregateByKey<K, V, U, E extends Env = Env>(
    this: RDD<Pair<K, V>>,
    zeroValue: U,
    seqOp: (acc: U, v: V, env: E) => U,
    combOp: (a: U, b: U, env: E) => U,
    numPartitions?: number | Partitioner,
    env?: E,
  ): RDD<Pair<K, U>> {
    return pair.aggregateByKey(this, zeroValue, seqOp, combOp, numPartitions, env);
  }

  groupByKey<K, V>(this: RDD<Pair<K, V>>, numPartitions?: number | Partitioner): RDD<Pair<K, V[]>> {
    return pair.groupByKey(this, numPartitions);
  }

  partitionBy<K, V>(this: RDD<Pair<K, V>>, partitioner: Partitioner): RDD<Pair<K, V>> {
    return pair.partitionBy(this, partitioner);
  }

  sortByKey<K, V>(this: RDD<Pair<K, V>>, ascending = true, numPartitions?: number): RDD<Pair<K, V>> {
    return pair.sortByKey(this, ascending, numPartitions);
  }

  /** Spark's cogroup with one, two or three other RDDs, optionally followed by a partition count or partitioner. */
  cogroup<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<Pair<K, W>>, numPartitions?: number | Partitioner): RDD<Pair<K, [V[], W[]]>>;
  cogroup<K, V, W1, W2>(
    this: RDD<Pair<K, V>>,
    other1: RDD<Pair<K, W1>>,
    other2: RDD<Pair<K, W2>>,
    numPartitions?: number | Partitioner,
  ): RDD<Pair<K, [V[], W1[], W2[]]>>;
  cogroup<K, V, W1, W2, W3>(
    this: RDD<Pair<K, V>>,
    other1: RDD<Pair<K, W1>>,
    other2: RDD<Pair<K, W2>>,
    other3: RDD<Pair<K, W3>>,
    numPartitions?: number | Partitioner,
  ): RDD<Pair<K, [V[], W1[], W2[], W3[]]>>;
  cogroup(this: RDD<Pair<unknown, unknown>>, ...args: unknown[]): RDD<Pair<unknown, unknown[][]>> {
    const others = args.filter((a): a is RDD<Pair<unknown, unknown>> => a instanceof RDD);
    const rest = args.slice(others.length);
    if (others.length === 0 || others.length > 3 || rest.length > 1 || args.slice(0, others.length).some((a) => !(a instanceof RDD))) {
      throw new IllegalArgumentError('cogroup takes one to three other RDDs, then an optional partition count or partitioner');
    }
    return pair.cogroup(this, others, rest[0] as number | Partitioner | undefined);
  }

  join<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<Pair<K, W>>, numPartitions?: number | Partitioner): RDD<Pair<K, [V, W]>> {
    return pair.join(this, other, 'inner', numPartitions) as RDD<Pair<K, [V, W]>>;
  }

  leftOuterJoin<K, V, W>(
    this: RDD<Pair<K, V>>,
    other: RDD<Pair<K, W>>,
    numPartitions?: number | Partitioner,
  ): RDD<Pair<K, [V, W | null]>> {
    return pair.join(this, other, 'left', numPartitions) as RDD<Pair<K, [V, W | null]>>;
  }

  rightOuterJoin<K, V, W>(
    this: RDD<Pair<K, V>>,
    other: RDD<Pair<K, W>>,
    numPartitions?: number | Partitioner,
  ): RDD<Pair<K, [V | null, W]>> {
    return pair.join(this, other, 'right', numPartitions) as RDD<Pair<K, [V | null, W]>>;
  }

  fullOuterJoin<K, V, W>(
    this: RDD<Pair<K, V>>,
    other: RDD<Pair<K, W>>,
    numPartitions?: number | Partitioner,
  ): RDD<Pair<K, [V | null, W | null]>> {
    return pair.join(this, other, 'full', numPartitions) as RDD<Pair<K, [V | null, W | null]>>;
  }

  subtractByKey<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<Pair<K, W>>, numPartitions?: number | Partitioner): RDD<Pair<K, V>> {
    return pair.subtractByKey(this, other, numPartitions);
  }

  // ---- actions: each takes ActionOptions ({ signal }) last, after any env ----

  collect(options?: ActionOptions): Promise<T[]> {
    return withOpts(options, () => actions.collect(this));
  }

  count(options?: ActionOptions): Promise<number> {
    return withOpts(options, () => actions.count(this));
  }

  first(options?: ActionOptions): Promise<T> {
    return withOpts(options, () => actions.first(this));
  }

  take(n: number, options?: ActionOptions): Promise<T[]> {
    return withOpts(options, () => actions.take(this, n));
  }

  takeOrdered<E extends Env = Env>(n: number, compare?: (a: T, b: T, env: E) => number, env?: E, options?: ActionOptions): Promise<T[]> {
    return withOpts(options, () => actions.takeOrdered(this, n, compare, env, false));
  }

  top<E extends Env = Env>(n: number, compare?: (a: T, b: T, env: E) => number, env?: E, options?: ActionOptions): Promise<T[]> {
    return withOpts(options, () => actions.takeOrdered(this, n, compare, env, true));
  }

  reduce<E extends Env = Env>(fn: (a: T, b: T, env: E) => T, env?: E, options?: ActionOptions): Promise<T> {
    return withOpts(options, () => actions.reduce(this, fn, env));
  }

  fold<E extends Env = Env>(zeroValue: T, fn: (a: T, b: T, env: E) => T, env?: E, options?: ActionOptions): Promise<T> {
    return withOpts(options, () => actions.fold(this, zeroValue, fn, env));
  }

  aggregate<U, E extends Env = Env>(
    zeroValue: U,
    seqOp: (acc: U, x: T, env: E) => U,
    combOp: (a: U, b: U, env: E) => U,
    env?: E,
    options?: ActionOptions,
  ): Promise<U> {
    return withOpts(options, () => actions.aggregate(this, zeroValue, seqOp, combOp, env));
  }

  countByKey<K, V>(this: RDD<Pair<K, V>>, options?: ActionOptions): Promise<Map<K, number>> {
    return withOpts(options, () => actions.countByKey(this));
  }

  countByValue(options?: ActionOptions): Promise<Map<T, number>> {
    return withOpts(options, () => actions.countByValue(this));
  }

  foreach<E extends Env = Env>(fn: (x: T, env: E) => void, env?: E, options?: ActionOptions): Promise<void> {
    return withOpts(options, () => actions.foreach(this, fn, env));
  }

  foreachPartition<E extends Env = Env>(fn: (it: Iterable<T>, env: E) => void, env?: E, options?: ActionOptions): Promise<void> {
    return withOpts(options, () => actions.foreachPartition(this, fn, env));
  }

  /** Part files of the records' text, one per line; `{ codec: 'gzip' }` writes part-NNNNN.gz. */
  saveAsTextFile(path: string, options: { codec?: 'gzip' } & ActionOptions = {}): Promise<void> {
    return withOpts(options, () => actions.saveAsTextFile(this, path, { codec: options.codec }));
  }
}
