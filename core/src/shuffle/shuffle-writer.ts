/**
 * Map side of a shuffle (Spark's SortShuffleWriter without key ordering): buffer or combine
 * records per reduce partition within a memory budget, spilling to disk when it is exceeded,
 * then write one data file with partitions in order plus an index file, atomically.
 */
import { openSync, renameSync } from 'node:fs';
import { IllegalArgumentError } from '../errors.js';
import type { Aggregator } from './aggregator.js';
import { blockFilePath, shuffleDataFileName, shuffleIndexFileName } from './block-id.js';
import { BufferedFileWriter } from './buffered-file-writer.js';
import { writeIndexFile } from './index-file.js';
import type { KeyMapLike } from './key-map-like.js';
import type { PartitionedBuffer } from './partitioned-buffer.js';
import { PartitionedCombinerMap } from './partitioned-combiner-map.js';
import { PartitionedRecordBuffer } from './partitioned-record-buffer.js';
import { type PartitionedSpill, SpillSegmentReader, mergePartitionedSpills, spillPartitionedBuffer } from './partitioned-spill.js';
import { FrameWriter } from './record-frames.js';
import type { SpillListener } from './spill-event.js';
import { closeQuietly, randomSuffix, unlinkQuietly } from './temp-files.js';

export type { Aggregator } from './aggregator.js';
export { readIndexFile } from './index-file.js';

/** Spill files merged at once; bounds open descriptors, as Spark's merge factor does. */
const MAX_MERGE_FAN_IN = 32;

export interface ShuffleWriteOptions {
  shuffleId: number;
  mapId: number;
  numPartitions: number;
  getPartition(key: unknown): number;
  aggregator?: Aggregator;
  mapSideCombine: boolean;
  /** Required when mapSideCombine. */
  newKeyMap?: () => KeyMapLike<unknown>;
  /** Final data + index files go here. */
  outputDir: string;
  /** Temporary spill files. */
  spillDir: string;
  /** Buffer bound: spill above it. */
  memoryBytes: number;
  /** Metrics / test hook, called after each spill. */
  onSpill?: SpillListener;
}

export interface MapOutput {
  dataFile: string;
  indexFile: string;
  partitionLengths: number[];
  /** Records in the data file: after map-side combining, partial combiners of different spills count separately. */
  recordsWritten: number;
  spills: number;
}

export function writeShuffleOutput(
  records: Iterator<[unknown, unknown]> | Iterable<[unknown, unknown]>,
  opts: ShuffleWriteOptions,
): MapOutput {
  const { numPartitions, getPartition, spillDir, memoryBytes } = opts;
  validate(opts);
  const dataName = shuffleDataFileName(opts.shuffleId, opts.mapId);
  const indexName = shuffleIndexFileName(opts.shuffleId, opts.mapId);
  const dataFile = blockFilePath(opts.outputDir, dataName);
  const indexFile = blockFilePath(opts.outputDir, indexName);
  const spillPrefix = `${dataName}.spill`;

  const partitionOf = (key: unknown): number => {
    const p = getPartition(key);
    if (!Number.isInteger(p) || p < 0 || p >= numPartitions) {
      throw new IllegalArgumentError(`getPartition returned ${String(p)} for a shuffle with ${numPartitions} partitions`);
    }
    return p;
  };
  // The record buffer partitions every record; the combiner map every distinct key, when it writes.
  const buffer: PartitionedBuffer = opts.mapSideCombine
    ? new PartitionedCombinerMap(numPartitions, opts.aggregator!, opts.newKeyMap!, partitionOf)
    : new PartitionedRecordBuffer(numPartitions, partitionOf);
  let spills: PartitionedSpill[] = [];
  const live = new Set<string>(); // every spill file on disk, for cleanup even mid-merge
  let spillCount = 0;
  try {
    for (const record of asIterable(records)) {
      buffer.insert(record);
      if (buffer.estimatedBytes > memoryBytes) {
        const estimatedBytes = buffer.estimatedBytes;
        const held = buffer.recordCount;
        const spill = spillPartitionedBuffer(buffer, spillDir, spillPrefix);
        live.add(spill.path);
        spills.push(spill);
        buffer.clear();
        spillCount++;
        opts.onSpill?.({ kind: 'map-output', records: held, estimatedBytes });
      }
    }
    // Merge spills in consecutive groups (keeping record order) until one pass can open them all.
    while (spills.length > MAX_MERGE_FAN_IN) {
      const merged: PartitionedSpill[] = [];
      for (let i = 0; i < spills.length; i += MAX_MERGE_FAN_IN) {
        const group = spills.slice(i, i + MAX_MERGE_FAN_IN);
        if (group.length === 1) {
          merged.push(group[0]);
          continue;
        }
        const spill = mergePartitionedSpills(group, spillDir, spillPrefix);
        live.add(spill.path);
        merged.push(spill);
        for (const s of group) {
          unlinkQuietly(s.path);
          live.delete(s.path);
        }
      }
      spills = merged;
    }
    const { partitionLengths, recordsWritten } = commit(buffer, spills, opts, dataFile, indexFile);
    return {
      dataFile,
      indexFile,
      partitionLengths,
      recordsWritten: recordsWritten + spills.reduce((n, s) => n + s.records, 0),
      spills: spillCount,
    };
  } finally {
    // Spill files never outlive the task attempt, whether it succeeded or not.
    for (const path of live) unlinkQuietly(path);
    buffer.clear();
  }
}

/**
 * Writes data then index under temp names and renames them, index last: a reader that sees
 * the index sees a complete data file, and a failure leaves neither behind.
 */
function commit(
  buffer: PartitionedBuffer,
  spills: readonly PartitionedSpill[],
  opts: ShuffleWriteOptions,
  dataFile: string,
  indexFile: string,
): { partitionLengths: number[]; recordsWritten: number } {
  const suffix = randomSuffix();
  const dataTmp = `${dataFile}.tmp-${suffix}`;
  const indexTmp = `${indexFile}.tmp-${suffix}`;
  let dataRenamed = false;
  try {
    const result = writeDataFile(buffer, spills, opts.numPartitions, dataTmp);
    writeIndexFile(indexTmp, result.partitionLengths);
    renameSync(dataTmp, dataFile);
    dataRenamed = true;
    renameSync(indexTmp, indexFile);
    return result;
  } catch (e) {
    unlinkQuietly(dataTmp);
    unlinkQuietly(indexTmp);
    if (dataRenamed) unlinkQuietly(dataFile);
    throw e;
  }
}

/** Per partition: its spilled segments (stream-copied) then the in-memory remainder as frames. */
function writeDataFile(
  buffer: PartitionedBuffer,
  spills: readonly PartitionedSpill[],
  numPartitions: number,
  path: string,
): { partitionLengths: number[]; recordsWritten: number } {
  const fd = openSync(path, 'wx');
  const readers: SpillSegmentReader[] = [];
  try {
    for (const s of spills) readers.push(new SpillSegmentReader(s));
    const out = new BufferedFileWriter(fd);
    const frames = new FrameWriter(out);
    const scratch = Buffer.allocUnsafe(64 * 1024);
    const partitionLengths = new Array<number>(numPartitions);
    for (let p = 0; p < numPartitions; p++) {
      const start = out.position;
      for (const r of readers) r.copyPartition(p, out, scratch);
      buffer.writePartition(p, frames);
      frames.endFrame();
      partitionLengths[p] = out.position - start;
    }
    frames.flush();
    return { partitionLengths, recordsWritten: frames.recordsWritten };
  } finally {
    for (const r of readers) r.close();
    closeQuietly(fd);
  }
}

function validate(opts: ShuffleWriteOptions): void {
  const { numPartitions, memoryBytes } = opts;
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    throw new IllegalArgumentError(`numPartitions must be a positive integer, got ${String(numPartitions)}`);
  }
  if (typeof memoryBytes !== 'number' || Number.isNaN(memoryBytes) || memoryBytes < 0) {
    throw new IllegalArgumentError(`memoryBytes must be a non-negative number, got ${String(memoryBytes)}`);
  }
  if (opts.mapSideCombine && (opts.aggregator === undefined || opts.newKeyMap === undefined)) {
    throw new IllegalArgumentError('mapSideCombine requires an aggregator and newKeyMap');
  }
}

function asIterable<T>(records: Iterator<T> | Iterable<T>): Iterable<T> {
  if (typeof (records as Iterable<T>)[Symbol.iterator] === 'function') return records as Iterable<T>;
  const iterator = records as Iterator<T>;
  // for-of still calls iterator.return() when the loop body throws.
  return { [Symbol.iterator]: () => iterator };
}
