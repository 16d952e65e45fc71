import type { Partitioner } from '../partitioner/partitioner.js';
import type { FunctionSpec } from '../closure/function-spec.js';
import type { RDD } from './rdd.js';

/** A child partition depends on a few parent partitions: pipelined inside one task. */
export interface NarrowDependency {
  readonly type: 'narrow';
  readonly rdd: RDD<unknown>;
  getParents(partition: number): number[];
}

/** Functions that combine values per key, shipped as source. */
export interface AggregatorSpec {
  createCombiner: FunctionSpec;
  mergeValue: FunctionSpec;
  mergeCombiners: FunctionSpec;
}

/** A stage boundary: the parent's output is redistributed by `partitioner`. */
export interface ShuffleDependency {
  readonly type: 'shuffle';
  readonly rdd: RDD<unknown>;
  readonly shuffleId: number;
  readonly partitioner: Partitioner;
  readonly aggregator?: AggregatorSpec;
  readonly mapSideCombine: boolean;
}

export type Dependency = NarrowDependency | ShuffleDependency;

export function oneToOne(rdd: RDD<unknown>): NarrowDependency {
  return { type: 'narrow', rdd, getParents: (p) => [p] };
}

/** Union: child partitions [outStart, outStart + length) map to parent [inStart, ...). */
export function rangeDependency(rdd: RDD<unknown>, inStart: number, outStart: number, length: number): NarrowDependency {
  return {
    type: 'narrow',
    rdd,
    getParents: (p) => (p >= outStart && p < outStart + length ? [p - outStart + inStart] : []),
  };
}
