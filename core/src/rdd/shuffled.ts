import { IllegalArgumentError } from '../errors.js';
import { compareKeys } from '../partitioner/key-ordering.js';
import { KeyMap } from '../partitioner/key-map.js';
import type { Partitioner } from '../partitioner/partitioner.js';
import { readShuffle } from '../shuffle/shuffle-reader.js';
import type { Aggregator } from '../shuffle/shuffle-writer.js';
import { registerCompute, type ComputeEnv } from './compute-registry.js';
import type { AggregatorSpec, ShuffleDependency } from './dependency.js';
import type { RddDefinition } from './rdd-definition.js';
import type { RDD } from './rdd.js';

export interface ShuffledArgs {
  shuffleId: number;
  aggregator?: AggregatorSpec;
  mapSideCombine: boolean;
  /** Sort each reduce partition by key. */
  ordering?: { ascending: boolean };
}

export function shuffledDefinition(
  parent: RDD<unknown>,
  partitioner: Partitioner,
  options: { aggregator?: AggregatorSpec; mapSideCombine?: boolean; ordering?: { ascending: boolean } } = {},
): RddDefinition {
  const mapSideCombine = options.mapSideCombine ?? false;
  if (mapSideCombine && !options.aggregator) {
    throw new IllegalArgumentError('Map-side combine without an aggregator');
  }
  const dep: ShuffleDependency = {
    type: 'shuffle',
    rdd: parent,
    shuffleId: parent.kc.newShuffleId(),
    partitioner,
    aggregator: options.aggregator,
    mapSideCombine,
  };
  const args: ShuffledArgs = {
    shuffleId: dep.shuffleId,
    aggregator: options.aggregator,
    mapSideCombine,
    ordering: options.ordering,
  };
  return {
    kind: 'shuffled',
    className: 'ShuffledRDD',
    dependencies: [dep],
    numPartitions: partitioner.numPartitions,
    planArgs: args,
    partitioner,
    preferredLocations: (p) => parent.kc.reduceLocations(dep.shuffleId, p),
  };
}

/** Compiles an AggregatorSpec into callable functions bound to their environments. */
export function compileAggregator(spec: AggregatorSpec, env: ComputeEnv): Aggregator {
  const c = env.compile(spec.createCombiner);
  const v = env.compile(spec.mergeValue);
  const m = env.compile(spec.mergeCombiners);
  return {
    createCombiner: (x) => c.fn(x, c.env),
    mergeValue: (acc, x) => v.fn(acc, x, v.env),
    mergeCombiners: (a, b) => m.fn(a, b, m.env),
  };
}

export function keyOrdering(ordering: { ascending: boolean } | undefined): ((a: unknown, b: unknown) => number) | undefined {
  if (!ordering) return undefined;
  return ordering.ascending ? compareKeys : (a, b) => compareKeys(b, a);
}

registerCompute('shuffled', (args: ShuffledArgs, _parents, env) => {
  const aggregator = args.aggregator ? compileAggregator(args.aggregator, env) : undefined;
  const ordering = keyOrdering(args.ordering);
  return (p, tc) =>
    readShuffle(tc.shuffleBlocks(args.shuffleId, p), {
      aggregator,
      mapSideCombined: args.mapSideCombine,
      keyOrdering: ordering ? (a, b) => ordering(a, b) : undefined,
      keyOrder: args.ordering ? (args.ordering.ascending ? 'ascending' : 'descending') : undefined,
      newKeyMap: () => new KeyMap<unknown>(),
      spillDir: tc.spillDir,
      memoryBytes: tc.shuffleMemoryBytes,
    }) as Iterator<unknown>;
});
