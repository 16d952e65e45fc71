import type { PartitionedBuffer } from './partitioned-buffer.js';
import type { FrameWriter } from './record-frames.js';
import { AppendSizeSampler } from './size-tracker.js';

/** Per-partition array overhead, charged once a partition receives its first record. */
const PARTITION_OVERHEAD = 48;

/** Map-side buffer without combining: records appended per partition, input order kept. */
export class PartitionedRecordBuffer implements PartitionedBuffer {
  // Sparse: with ~10k partitions most are empty between spills, so arrays are created lazily.
  private readonly buffers: Array<unknown[] | undefined>;
  private active: number[] = [];
  private readonly sampler = new AppendSizeSampler();

  /** `partitionOf` must return an integer in [0, numPartitions) (the writer validates it). */
  constructor(
    numPartitions: number,
    private readonly partitionOf: (key: unknown) => number,
  ) {
    this.buffers = new Array<unknown[] | undefined>(numPartitions);
  }

  insert(record: readonly [unknown, unknown]): void {
    const partition = this.partitionOf(record[0]);
    let buffer = this.buffers[partition];
    if (buffer === undefined) {
      buffer = this.buffers[partition] = [];
      this.active.push(partition);
    }
    buffer.push(record);
    this.sampler.add(record);
  }

  get estimatedBytes(): number {
    return this.sampler.estimatedBytes + this.active.length * PARTITION_OVERHEAD;
  }

  get recordCount(): number {
    return this.sampler.records;
  }

  activePartitions(): readonly number[] {
    return this.active.sort((a, b) => a - b);
  }

  writePartition(partition: number, out: FrameWriter): void {
    const buffer = this.buffers[partition];
    if (buffer === undefined) return;
    for (let i = 0; i < buffer.length; i++) out.write(buffer[i]);
  }

  clear(): void {
    for (const p of this.active) this.buffers[p] = undefined;
    this.active = [];
    this.sampler.reset();
  }
}
