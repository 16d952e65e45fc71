import { IllegalArgumentError } from '../errors.js';
import type { Partitioner } from '../partitioner/partitioner.js';
import { mapPartitionsDefinition } from './map-partitions.js';
import * as pair from './pair-functions.js';
import type { Env, Pair, RDD } from './rdd.js';
import { callSiteLabel, internalFunction } from './ship.js';

function asKeys<T>(rdd: RDD<T>): RDD<Pair<T, null>> {
  const { label } = callSiteLabel();
  return rdd.kc.makeRdd(mapPartitionsDefinition(rdd, { op: 'map', fn: internalFunction((x: unknown) => [x, null], 'keyed') }, false), `map at ${label}`);
}

/** Spark: map to (x, null), cogroup, keep keys present on both sides. Output has no duplicates. */
export function intersection<T>(a: RDD<T>, b: RDD<T>, numPartitions?: number | Partitioner): RDD<T> {
  if (a.kc !== b.kc) throw new IllegalArgumentError('Cannot intersect RDDs from different contexts');
  const grouped = pair.cogroup(asKeys(a), [asKeys(b)], numPartitions) as RDD<Pair<T, [null[], null[]]>>;
  return grouped.filter(([, g]) => g[0].length > 0 && g[1].length > 0).keys();
}

/** Spark: records of `a` whose value is not in `b`, with a's partition count by default; duplicates kept. */
export function subtract<T>(a: RDD<T>, b: RDD<T>, numPartitions?: number | Partitioner): RDD<T> {
  if (a.kc !== b.kc) throw new IllegalArgumentError('Cannot subtract RDDs from different contexts');
  return pair.subtractByKey(asKeys(a), asKeys(b), numPartitions ?? a.getNumPartitions()).keys();
}

export function groupBy<T, K>(rdd: RDD<T>, fn: (x: T, env: any) => K, numPartitions: number | Partitioner | undefined, env?: Env): RDD<Pair<K, T[]>> {
  return pair.groupByKey(rdd.keyBy(fn, env), numPartitions);
}
