/**
 * Spill files of the map-side writer: frames grouped by partition in ascending partition
 * order, plus the (offset, length) of each non-empty partition's segment. Segments are
 * self-delimiting frames, so merging spills is a byte copy, never a re-serialization.
 */
import { openSync, readSync } from 'node:fs';
import { ProtocolError } from '../errors.js';
import { BufferedFileWriter } from './buffered-file-writer.js';
import type { PartitionedBuffer } from './partitioned-buffer.js';
import { FrameWriter } from './record-frames.js';
import { closeQuietly, openTempFile, unlinkQuietly } from './temp-files.js';

export interface PartitionedSpill {
  readonly path: string;
  /** Non-empty partitions, ascending; offsets/lengths are parallel to it. */
  readonly partitions: number[];
  readonly offsets: number[];
  readonly lengths: number[];
  /** Records the file holds. */
  readonly records: number;
}

/** Writes every partition of `buffer` into a new spill file in `dir`; the buffer is left as is. */
export function spillPartitionedBuffer(buffer: PartitionedBuffer, dir: string, prefix: string): PartitionedSpill {
  const { path, fd } = openTempFile(dir, prefix);
  let done = false;
  try {
    const out = new BufferedFileWriter(fd);
    const frames = new FrameWriter(out);
    const spill: PartitionedSpill = { path, partitions: [], offsets: [], lengths: [], records: 0 };
    for (const p of buffer.activePartitions()) {
      const start = out.position;
      buffer.writePartition(p, frames);
      frames.endFrame(); // frames never span partitions
      addSegment(spill, p, start, out.position - start);
    }
    frames.flush();
    done = true;
    return { ...spill, records: frames.recordsWritten };
  } finally {
    closeQuietly(fd);
    if (!done) unlinkQuietly(path);
  }
}

/** Concatenates the spills' segments partition by partition into one new spill file (order kept). */
export function mergePartitionedSpills(spills: readonly PartitionedSpill[], dir: string, prefix: string): PartitionedSpill {
  const partitions = [...new Set(spills.flatMap((s) => s.partitions))].sort((a, b) => a - b);
  const { path, fd } = openTempFile(dir, prefix);
  const readers: SpillSegmentReader[] = [];
  let done = false;
  try {
    for (const s of spills) readers.push(new SpillSegmentReader(s));
    const out = new BufferedFileWriter(fd);
    const scratch = Buffer.allocUnsafe(64 * 1024);
    const merged: PartitionedSpill = { path, partitions: [], offsets: [], lengths: [], records: 0 };
    for (const p of partitions) {
      const start = out.position;
      for (const r of readers) r.copyPartition(p, out, scratch);
      addSegment(merged, p, start, out.position - start);
    }
    out.flush();
    done = true;
    return { ...merged, records: spills.reduce((n, s) => n + s.records, 0) };
  } finally {
    for (const r of readers) r.close();
    closeQuietly(fd);
    if (!done) unlinkQuietly(path);
  }
}

/** Copies a spill's segments out in ascending partition order, through a caller-owned fixed buffer. */
export class SpillSegmentReader {
  private fd: number | undefined;
  private next = 0;

  constructor(readonly spill: PartitionedSpill) {
    this.fd = openSync(spill.path, 'r');
  }

  /** Copies partition `p`'s segment, if any, to `out`. Partitions must be asked for in ascending order. */
  copyPartition(p: number, out: BufferedFileWriter, scratch: Buffer): void {
    const { partitions, offsets, lengths, path } = this.spill;
    while (this.next < partitions.length && partitions[this.next] < p) this.next++;
    if (this.next >= partitions.length || partitions[this.next] !== p) return;
    let position = offsets[this.next];
    let left = lengths[this.next];
    this.next++;
    while (left > 0) {
      const n = readSync(this.fd!, scratch, 0, Math.min(scratch.length, left), position);
      if (n === 0) throw new ProtocolError(`truncated shuffle spill file ${path} at offset ${position}`);
      out.write(scratch.subarray(0, n));
      position += n;
      left -= n;
    }
  }

  close(): void {
    closeQuietly(this.fd);
    this.fd = undefined;
  }
}

function addSegment(spill: PartitionedSpill, p: number, offset: number, length: number): void {
  if (length === 0) return;
  spill.partitions.push(p);
  spill.offsets.push(offset);
  spill.lengths.push(length);
}
