import { KeyMap } from '../partitioner/key-map.js';
import { readShuffle } from '../shuffle/shuffle-reader.js';
import { registerCompute } from './compute-registry.js';
import type { AggregatorSpec } from './dependency.js';
import { recordBatches } from './record-batches.js';
import { oneToOne } from './dependency.js';
import type { RddDefinition } from './rdd-definition.js';
import type { RDD } from './rdd.js';
import { compileAggregator } from './shuffled.js';

/** Executor side of combineLocalDefinition: the shuffle reader's spilling aggregation over one input. */
registerCompute('combine-local', (args: { aggregator: AggregatorSpec; mergeCombiners: boolean }, [parent], env) => {
  const aggregator = compileAggregator(args.aggregator, env);
  return (p, tc) =>
    readShuffle([recordBatches(parent!(p, tc))], {
      aggregator,
      mapSideCombined: args.mergeCombiners,
      newKeyMap: () => new KeyMap<unknown>(),
      spillDir: tc.spillDir,
      memoryBytes: tc.shuffleMemoryBytes,
    }) as Iterator<unknown>;
});

/**
 * combineByKey on an RDD that is already partitioned as requested: combine inside each
 * partition, no shuffle (Spark's mapPartitions with preservesPartitioning).
 */
export function combineLocalDefinition(parent: RDD<unknown>, aggregator: AggregatorSpec, mergeCombiners: boolean): RddDefinition {
  return {
    kind: 'combine-local',
    className: 'MapPartitionsRDD',
    dependencies: [oneToOne(parent)],
    numPartitions: parent.getNumPartitions(),
    planArgs: { aggregator, mergeCombiners },
    partitioner: parent.partitioner,
  };
}
