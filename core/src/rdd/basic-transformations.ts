import { IllegalArgumentError } from '../errors.js';
import { HashPartitioner } from '../partitioner/hash-partitioner.js';
import { coalescedDefinition } from './coalesced.js';
import { mapPartitionsDefinition, type MapOp } from './map-partitions.js';
import type { Env, RDD } from './rdd.js';
import { callSiteLabel, shipFunctions } from './ship.js';
import { partitionOpDefinition } from './partition-ops.js';
import { shuffledDefinition } from './shuffled.js';
import { unionDefinition } from './union.js';

export function mapPartitionsOp<R>(
  rdd: RDD<any>,
  op: MapOp,
  fn: Function,
  env: Env | undefined,
  preservesPartitioning: boolean,
): RDD<R> {
  const { label, site } = callSiteLabel();
  const errors: Error[] = [];
  const specs = shipFunctions({ fn }, env, op, site, errors);
  return rdd.kc.makeRdd(mapPartitionsDefinition(rdd, { op, fn: specs.fn }, preservesPartitioning), `${op} at ${label}`, errors);
}

export function builtinOp<R>(rdd: RDD<any>, op: 'keys' | 'values', preservesPartitioning: boolean): RDD<R> {
  const { label } = callSiteLabel();
  return rdd.kc.makeRdd(mapPartitionsDefinition(rdd, { op }, preservesPartitioning), `${op} at ${label}`);
}

export function union<T>(a: RDD<T>, b: RDD<T>): RDD<T> {
  if (a.kc !== b.kc) throw new IllegalArgumentError('Cannot union RDDs from different contexts');
  const { label } = callSiteLabel();
  return a.kc.makeRdd(unionDefinition([a, b]), `union at ${label}`);
}

export function sample<T>(rdd: RDD<T>, withReplacement: boolean, fraction: number, seed?: number): RDD<T> {
  if (!(fraction >= 0) || (!withReplacement && fraction > 1)) {
    throw new IllegalArgumentError(
      withReplacement
        ? `Sampling fraction (${fraction}) must be >= 0`
        : `Sampling fraction (${fraction}) must be on interval [0, 1] without replacement`,
    );
  }
  const { label } = callSiteLabel();
  const s = seed ?? Math.floor(Math.random() * 2 ** 31);
  const def = mapPartitionsDefinition(rdd, { op: 'sample', sample: { withReplacement, fraction, seed: s } }, true);
  return rdd.kc.makeRdd(def, `sample at ${label}`);
}

export function coalesce<T>(rdd: RDD<T>, numPartitions: number, shuffle: boolean): RDD<T> {
  if (!Number.isInteger(numPartitions) || numPartitions <= 0) {
    throw new IllegalArgumentError(`Number of partitions (${numPartitions}) must be positive.`);
  }
  const { label } = callSiteLabel();
  if (!shuffle) return rdd.kc.makeRdd(coalescedDefinition(rdd, numPartitions), `coalesce at ${label}`);
  // Spark's repartition: each partition deals its records round robin, starting at a random
  // offset from a generator seeded with the partition index (executor code: see partition-ops).
  const keyed = rdd.kc.makeRdd<[number, T]>(
    partitionOpDefinition(rdd, 'distribute', { n: numPartitions, keys: roundRobinKeys(numPartitions) }, false),
    `repartition at ${label}`,
  );
  const shuffled = keyed.kc.makeRdd<[number, T]>(
    shuffledDefinition(keyed, new HashPartitioner(numPartitions)),
    `repartition at ${label}`,
  );
  return shuffled.values();
}

/**
 * keys[p] is an integer key that HashPartitioner(n) sends to partition p. Spark's round robin
 * relies on Integer.hashCode being the identity; stableHash scrambles integers, so position p
 * itself would land anywhere and leave partitions skewed or empty.
 */
function roundRobinKeys(n: number): number[] {
  const partitioner = new HashPartitioner(n);
  const keys = new Array<number>(n);
  let found = 0;
  for (let k = 0; found < n; k++) {
    const p = partitioner.getPartition(k);
    if (keys[p] === undefined) {
      keys[p] = k;
      found++;
    }
  }
  return keys;
}
