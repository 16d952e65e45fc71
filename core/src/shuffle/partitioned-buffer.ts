import type { FrameWriter } from './record-frames.js';

/** What the map-side writer buffers between spills: plain records or per-key combiners, by partition. */
export interface PartitionedBuffer {
  /**
   * Adds one record. The buffer assigns its partition with the partition function it was built
   * with: per record for plain records, per distinct key (when writing) for combiners.
   */
  insert(record: readonly [unknown, unknown]): void;
  /** Estimated heap bytes held; compared with the memory budget after every insert. */
  readonly estimatedBytes: number;
  /** Records (or combiners) held. */
  readonly recordCount: number;
  /** Partitions holding data, ascending. */
  activePartitions(): readonly number[];
  /** Writes one partition's records (or [key, combiner] pairs); does not end the frame. */
  writePartition(partition: number, out: FrameWriter): void;
  clear(): void;
}
