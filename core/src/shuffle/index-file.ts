/**
 * Shuffle index files, as Spark's IndexShuffleBlockResolver writes them: numPartitions + 1
 * u64 little-endian offsets into the data file, the first 0 and the last the data length.
 * Reduce partition r is the byte range [offsets[r], offsets[r + 1]).
 */
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { BlockError, ProtocolError } from '../errors.js';

const ENTRY_BYTES = 8;

/** Writes a new index file (exclusively created) for the given partition lengths. */
export function writeIndexFile(path: string, partitionLengths: readonly number[]): void {
  const buf = Buffer.alloc(ENTRY_BYTES * (partitionLengths.length + 1));
  let offset = 0;
  for (let i = 0; i < partitionLengths.length; i++) {
    offset += partitionLengths[i];
    buf.writeBigUInt64LE(BigInt(offset), ENTRY_BYTES * (i + 1));
  }
  const fd = openSync(path, 'wx');
  try {
    let done = 0;
    while (done < buf.length) done += writeSync(fd, buf, done, buf.length - done, done);
  } finally {
    closeSync(fd);
  }
}

/**
 * Byte range of reduce partition `reduceId` in the matching data file. The file size must be
 * 8 * (n + 1) for some n >= 1 (exactly numPartitions + 1 entries when numPartitions is given).
 */
export function readIndexFile(
  indexFile: string,
  reduceId: number,
  numPartitions?: number,
): { offset: number; length: number } {
  const fd = openSync(indexFile, 'r');
  try {
    const size = fstatSync(fd).size;
    const expected = numPartitions === undefined ? undefined : ENTRY_BYTES * (numPartitions + 1);
    if (size % ENTRY_BYTES !== 0 || size < 2 * ENTRY_BYTES || (expected !== undefined && size !== expected)) {
      const want = expected === undefined ? 'a multiple of 8 of at least 16' : String(expected);
      throw new ProtocolError(`corrupt shuffle index file ${indexFile}: size ${size} bytes, expected ${want}`);
    }
    const partitions = size / ENTRY_BYTES - 1;
    if (!Number.isInteger(reduceId) || reduceId < 0 || reduceId >= partitions) {
      throw new BlockError(`reduce partition ${reduceId} is out of range for ${indexFile} (${partitions} partitions)`);
    }
    const buf = Buffer.alloc(2 * ENTRY_BYTES);
    let done = 0;
    while (done < buf.length) {
      const n = readSync(fd, buf, done, buf.length - done, reduceId * ENTRY_BYTES + done);
      if (n === 0) throw new ProtocolError(`truncated shuffle index file ${indexFile}`);
      done += n;
    }
    const start = buf.readBigUInt64LE(0);
    const end = buf.readBigUInt64LE(ENTRY_BYTES);
    if (end < start || end > BigInt(Number.MAX_SAFE_INTEGER) || (reduceId === 0 && start !== 0n)) {
      throw new ProtocolError(`corrupt shuffle index file ${indexFile}: bad offsets ${start}..${end} for partition ${reduceId}`);
    }
    return { offset: Number(start), length: Number(end - start) };
  } finally {
    closeSync(fd);
  }
}
