import { KindlingError } from '../errors.js';
import { KeyMap } from '../partitioner/key-map.js';
import { combineLocalDefinition } from './combine-local.js';
import { DeferredRangePartitioner } from './deferred-range-partitioner.js';
import { partitionOpDefinition } from './partition-ops.js';
import { driverFunction } from './rdd-actions.js';
import type { Env, Pair, RDD } from './rdd.js';
import { callSiteLabel, internalFunction, shipFunctions } from './ship.js';

export async function isEmpty(rdd: RDD<unknown>): Promise<boolean> {
  return rdd.getNumPartitions() === 0 || (await rdd.take(1)).length === 0;
}

/** Spark's max/min: the extreme by the given comparator (default: compareKeys); empty throws. */
export async function extreme<T>(rdd: RDD<T>, max: boolean, compare: Function | undefined, env: Env | undefined): Promise<T> {
  const found = max ? await rdd.top(1, compare as any, env) : await rdd.takeOrdered(1, compare as any, env);
  if (found.length === 0) throw new KindlingError('empty collection');
  return found[0]!;
}

/** Spark's collectAsMap: one entry per key, a later record's value replacing an earlier one's. */
export async function collectAsMap<K, V>(rdd: RDD<Pair<K, V>>): Promise<Map<K, V>> {
  return new Map(await rdd.collect());
}

/** Spark's lookup: with a partitioner only the key's partition is read; otherwise every one. */
export async function lookup<K, V>(rdd: RDD<Pair<K, V>>, key: K): Promise<V[]> {
  const { label } = callSiteLabel();
  const filtered = rdd.kc.makeRdd<Pair<K, V>>(partitionOpDefinition(rdd, 'filterKey', { key }, true), `lookup at ${label}`);
  const callSite = `lookup at ${label}`;
  let parts: unknown[];
  if (rdd.partitioner) {
    if (rdd.partitioner instanceof DeferredRangePartitioner) await rdd.partitioner.resolve();
    parts = await rdd.kc.runJob(filtered, { action: 'collect', callSite }, [rdd.partitioner.getPartition(key)]);
  } else {
    parts = await rdd.kc.runJob(filtered, { action: 'collect', callSite });
  }
  return (parts as Array<Array<Pair<K, V>>>).flat(1).map((kv) => kv[1]);
}

/** Spark's toLocalIterator: one job per partition, so the driver holds one partition at a time. */
export async function* toLocalIterator<T>(rdd: RDD<T>): AsyncGenerator<T, void, undefined> {
  const callSite = `toLocalIterator at ${callSiteLabel().label}`;
  for (let p = 0; p < rdd.getNumPartitions(); p++) {
    const [records] = (await rdd.kc.runJob(rdd, { action: 'collect', callSite }, [p])) as T[][];
    yield* records!;
  }
}

/** Spark's reduceByKeyLocally: reduce inside each partition, then merge the per-partition maps on the driver. */
export async function reduceByKeyLocally<K, V>(rdd: RDD<Pair<K, V>>, fn: Function, env?: Env): Promise<Map<K, V>> {
  const { label, site } = callSiteLabel();
  const errors: Error[] = [];
  const specs = shipFunctions({ fn }, env, 'reduceByKeyLocally', site, errors);
  if (errors.length > 0) throw errors[0];
  const aggregator = { createCombiner: internalFunction((v: unknown) => v, 'reduceByKeyLocally'), mergeValue: specs.fn, mergeCombiners: specs.fn };
  const local = rdd.kc.makeRdd<Pair<K, V>>(combineLocalDefinition(rdd, aggregator, false), `reduceByKeyLocally at ${label}`);
  const parts = await local.collect();
  const merge = await driverFunction(rdd, specs.fn, env);
  const out = new KeyMap<V>();
  for (const [k, v] of parts) out.update(k, (cur) => (cur === undefined && !out.has(k) ? v : (merge(cur, v) as V)));
  return new Map(out as Iterable<[K, V]>);
}
