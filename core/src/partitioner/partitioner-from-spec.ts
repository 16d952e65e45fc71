import { IllegalArgumentError } from '../errors.js';
import { HashPartitioner } from './hash-partitioner.js';
import { compareKeys, type KeyOrdering } from './key-ordering.js';
import type { Partitioner, PartitionerSpec } from './partitioner.js';
import { RangePartitioner } from './range-partitioner.js';

/**
 * Rebuilds a partitioner on an executor from its structured-cloned spec. Lives apart from
 * partitioner.ts so that the interface module does not import its implementations.
 * `ordering` must be the driver's ordering when the RangePartitioner used a custom one.
 */
export function partitionerFromSpec(spec: PartitionerSpec, ordering: KeyOrdering = compareKeys): Partitioner {
  switch (spec?.kind) {
    case 'hash':
      return new HashPartitioner(spec.numPartitions);
    case 'range':
      if (!Array.isArray(spec.bounds)) throw new IllegalArgumentError('Range partitioner spec needs a bounds array.');
      return new RangePartitioner(spec.numPartitions, spec.bounds, spec.ascending !== false, ordering);
    default:
      throw new IllegalArgumentError(`Unknown partitioner spec kind: ${String((spec as { kind?: unknown })?.kind)}.`);
  }
}
