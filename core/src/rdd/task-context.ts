import type { StorageLevel } from '../storage/storage-level.js';

/**
 * What a task sees while it computes partitions inside an executor thread.
 * All methods are synchronous: task code runs on a worker thread, where blocking is fine.
 */
export interface TaskContext {
  readonly stageId: number;
  readonly stageAttemptId: number;
  readonly partitionId: number;
  readonly attemptNumber: number;
  readonly taskAttemptId: number;
  readonly executorId: string;
  /** Scratch space for spills; removed when the task ends. */
  readonly spillDir: string;
  /** Memory bound for shuffle and sort buffers before they spill (kindling.shuffle.spill.threshold, default 64m). */
  readonly shuffleMemoryBytes: number;
  /** Frames of every map output block for one reduce partition of a shuffle. */
  shuffleBlocks(shuffleId: number, reduceId: number): Array<Iterable<unknown[]>>;
  /** A cached partition, or undefined if this executor does not hold it. */
  getCachedBlock(rddId: number, partition: number): unknown[] | undefined;
  /** Store a computed partition; returns false if it was not stored (e.g. no room). */
  putCachedBlock(rddId: number, partition: number, records: unknown[], level: StorageLevel): boolean;
  /** Throws if the task was asked to stop; called by long loops. */
  checkInterrupted(): void;
}
