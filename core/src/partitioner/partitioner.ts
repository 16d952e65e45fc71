/**
 * How pair-RDD keys are assigned to reduce partitions. Two RDDs whose partitioners are `equals`
 * are co-partitioned, so join/cogroup/reduceByKey can skip a shuffle (Spark runtime notes §1.6).
 */

/** The plain-data form of a partitioner: survives structured clone on its way to executors. */
export type PartitionerSpec =
  | { kind: 'hash'; numPartitions: number }
  | { kind: 'range'; numPartitions: number; bounds: unknown[]; ascending: boolean };

export interface Partitioner {
  readonly numPartitions: number;
  /** Partition index in [0, numPartitions) for `key`; throws IllegalArgumentError for unsupported keys. */
  getPartition(key: unknown): number;
  /** True when both place every key in the same partition (decides whether a shuffle is needed). */
  equals(other: Partitioner | undefined | null): boolean;
  toSpec(): PartitionerSpec;
  toString(): string;
}
