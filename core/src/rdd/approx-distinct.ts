import type { Partitioner } from '../partitioner/partitioner.js';
import { estimate, mergeRegisters, precisionFor } from './hyperloglog.js';
import { defaultPartitioner } from './pair-functions.js';
import { partitionOpDefinition } from './partition-ops.js';
import type { Pair, RDD } from './rdd.js';
import { callSiteLabel, internalFunction } from './ship.js';
import { shuffledDefinition } from './shuffled.js';

/** Spark's countApproxDistinct: one HyperLogLog++ sketch per partition, merged on the driver. */
export async function countApproxDistinct(rdd: RDD<unknown>, relativeSD = 0.05): Promise<number> {
  const p = precisionFor(relativeSD);
  const { label } = callSiteLabel();
  const sketches = (await rdd.kc
    .makeRdd<Uint8Array>(partitionOpDefinition(rdd, 'hll', { p }, false), `countApproxDistinct at ${label}`)
    .collect()) as Uint8Array[];
  if (sketches.length === 0) return 0;
  return estimate(sketches.reduce((a, b) => mergeRegisters(a, b)));
}

/**
 * Spark's countApproxDistinctByKey: a sketch per key and partition, merged per key by a
 * shuffle (skipped when the input is already partitioned so), then estimated.
 */
export function countApproxDistinctByKey<K>(
  rdd: RDD<Pair<K, unknown>>,
  relativeSD = 0.05,
  numPartitions?: number | Partitioner,
): RDD<Pair<K, number>> {
  const p = precisionFor(relativeSD);
  const { label } = callSiteLabel();
  const site = `countApproxDistinctByKey at ${label}`;
  const partitioner = defaultPartitioner(rdd, [], numPartitions);
  let sketches = rdd.kc.makeRdd<unknown>(partitionOpDefinition(rdd, 'hllByKey', { p }, true), site);
  if (!(rdd.partitioner && rdd.partitioner.equals(partitioner))) {
    const merge = internalFunction((a: Uint8Array, b: Uint8Array) => {
      for (let i = 0; i < a.length; i++) if (b[i]! > a[i]!) a[i] = b[i]!;
      return a;
    }, 'countApproxDistinctByKey');
    const aggregator = { createCombiner: internalFunction((s: Uint8Array) => s, 'countApproxDistinctByKey'), mergeValue: merge, mergeCombiners: merge };
    sketches = rdd.kc.makeRdd(shuffledDefinition(sketches, partitioner, { aggregator, mapSideCombine: false }), site);
  }
  return rdd.kc.makeRdd(partitionOpDefinition(sketches, 'hllEstimate', {}, true), site);
}
