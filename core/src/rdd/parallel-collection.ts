import { IllegalArgumentError } from '../errors.js';
import { registerCompute } from './compute-registry.js';
import type { RddDefinition } from './rdd-definition.js';

/** Spark's slicing: slice i holds elements [i*n/slices, (i+1)*n/slices). */
export function sliceArray<T>(data: readonly T[], numSlices: number): T[][] {
  if (!Number.isInteger(numSlices) || numSlices < 1) {
    throw new IllegalArgumentError(`Positive number of partitions required, got ${numSlices}`);
  }
  const n = data.length;
  const slices: T[][] = [];
  for (let i = 0; i < numSlices; i++) {
    const start = Math.floor((i * n) / numSlices);
    const end = Math.floor(((i + 1) * n) / numSlices);
    slices.push(data.slice(start, end));
  }
  return slices;
}

export function parallelCollectionDefinition(data: readonly unknown[], numSlices: number): RddDefinition {
  if (!Array.isArray(data)) throw new IllegalArgumentError('parallelize() takes an array');
  return {
    kind: 'parallel-collection',
    className: 'ParallelCollectionRDD',
    dependencies: [],
    numPartitions: numSlices,
    planArgs: { slices: sliceArray(data, numSlices) },
  };
}

registerCompute('parallel-collection', (args: { slices: unknown[][] }) => (p) => args.slices[p]![Symbol.iterator]());

export interface RangeArgs {
  start: number;
  end: number;
  step: number;
  numSlices: number;
}

/** kc.range(start, end, step): computed on executors, never materialized on the driver. */
export function rangeDefinition(args: RangeArgs): RddDefinition {
  const { start, end, step, numSlices } = args;
  if (step === 0 || !Number.isFinite(step)) throw new IllegalArgumentError('step cannot be 0');
  if (!Number.isInteger(numSlices) || numSlices < 1) {
    throw new IllegalArgumentError(`Positive number of partitions required, got ${numSlices}`);
  }
  return { kind: 'range', className: 'MapPartitionsRDD', dependencies: [], numPartitions: numSlices, planArgs: args };
}

registerCompute('range', (args: RangeArgs) => (p) => {
  const { start, end, step, numSlices } = args;
  const count = Math.max(0, Math.ceil((end - start) / step));
  const from = Math.floor((p * count) / numSlices);
  const to = Math.floor(((p + 1) * count) / numSlices);
  let i = from;
  return {
    next: (): IteratorResult<number> => (i < to ? { done: false, value: start + step * i++ } : { done: true, value: undefined }),
    [Symbol.iterator]() {
      return this;
    },
  } as IterableIterator<number>;
});
