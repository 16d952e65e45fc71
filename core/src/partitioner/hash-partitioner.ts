import { IllegalArgumentError, IllegalStateError } from '../errors.js';
import type { Partitioner, PartitionerSpec } from './partitioner.js';
import { stableHash } from './stable-hash.js';

/** Spark's HashPartitioner over `stableHash`, so every executor agrees on a key's partition. */
export class HashPartitioner implements Partitioner {
  readonly numPartitions: number;

  constructor(numPartitions: number) {
    if (!Number.isInteger(numPartitions)) {
      throw new IllegalArgumentError(`Number of partitions must be an integer, got ${numPartitions}.`);
    }
    if (numPartitions < 0) {
      throw new IllegalArgumentError(`Number of partitions (${numPartitions}) cannot be negative.`);
    }
    this.numPartitions = numPartitions;
  }

  getPartition(key: unknown): number {
    if (key === null) return 0;
    const n = this.numPartitions;
    // An empty RDD may carry HashPartitioner(0) but must never be asked to place a key.
    if (n === 0) throw new IllegalStateError('HashPartitioner(0) cannot assign a key to a partition.');
    const r = stableHash(key) % n;
    // `| 0` turns the -0 that `-8 % 8` yields into 0.
    return r < 0 ? r + n : r | 0;
  }

  equals(other: Partitioner | undefined | null): boolean {
    return other instanceof HashPartitioner && other.numPartitions === this.numPartitions;
  }

  toSpec(): PartitionerSpec {
    return { kind: 'hash', numPartitions: this.numPartitions };
  }

  toString(): string {
    return `HashPartitioner(${this.numPartitions})`;
  }
}
