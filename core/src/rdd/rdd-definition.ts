import type { Partitioner } from '../partitioner/partitioner.js';
import type { Dependency } from './dependency.js';

/**
 * What distinguishes one kind of RDD from another on the driver. Each kind module
 * (parallel-collection, map-partitions, shuffled, ...) builds one of these.
 */
export interface RddDefinition {
  /** Registered compute kind used by executors (see compute-registry.ts). */
  kind: string;
  dependencies: Dependency[];
  numPartitions: number;
  /** Structured-cloneable arguments for the executor-side compute of this kind. */
  planArgs: unknown;
  partitioner?: Partitioner;
  /** Hosts where partition `p`'s input lives (input splits). */
  preferredLocations?(partition: number): string[];
  /** Short label for toDebugString, e.g. "MapPartitionsRDD". */
  className: string;
  /**
   * Work that needs a job of its own before this RDD can be planned (zipWithIndex counts its
   * parent's partitions, sampleByKeyExact counts keys). Runs, parents first, before every job
   * over a lineage that contains this RDD; it must be idempotent and may fill in planArgs.
   */
  prepare?(): Promise<void>;
}
