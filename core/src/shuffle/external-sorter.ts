/**
 * External merge sort of [key, value] records by key (Spark's ExternalSorter ordering path):
 * records accumulate until their estimated size exceeds the budget, then the run is sorted
 * (Array.prototype.sort, which is stable) and written as frames to a run file. Output is a
 * k-way merge of the run files and the final in-memory run. Ties keep input order.
 */
import { BufferedFileWriter } from './buffered-file-writer.js';
import { mergeSorted } from './merge-sorted.js';
import { NUMERIC_SORT_MIN_RECORDS, sortByNumericKey } from './numeric-key-sort.js';
import { FrameWriter, fileSegmentFrames } from './record-frames.js';
import { AppendSizeSampler } from './size-tracker.js';
import type { SpillListener } from './spill-event.js';
import { closeQuietly, openTempFile, unlinkQuietly } from './temp-files.js';

type Pair = [unknown, unknown];

export interface ExternalSorterOptions {
  /** Key comparator. */
  compare: (a: unknown, b: unknown) => number;
  /**
   * Declares that `compare` is the partitioner's compareKeys ('ascending') or its reverse
   * ('descending'): runs whose keys are all numbers are then radix-sorted, with the same result.
   */
  keyOrder?: 'ascending' | 'descending';
  spillDir: string;
  memoryBytes: number;
  /** Runs merged at once (default 32); more runs are pre-merged in passes first. */
  fanIn?: number;
  onSpill?: SpillListener;
}

interface Run {
  path: string;
  length: number;
}

export class ExternalSorter {
  private buffer: Pair[] = [];
  private readonly sampler = new AppendSizeSampler();
  private runs: Run[] = [];
  /** Run files on disk, including a merge output being written. */
  private readonly live = new Set<string>();
  private readonly fanIn: number;
  private readonly byKey: (a: Pair, b: Pair) => number;
  /** Frame and read-ahead size: a merge holds one frame per run, so keep fanIn of them near the budget. */
  private readonly ioBytes: number;
  private spillCount = 0;

  constructor(private readonly opts: ExternalSorterOptions) {
    this.fanIn = Math.max(2, opts.fanIn ?? 32);
    const compare = opts.compare;
    this.byKey = (a, b) => compare(a[0], b[0]);
    this.ioBytes = Math.min(64 * 1024, Math.max(4 * 1024, Math.floor(opts.memoryBytes / this.fanIn) || 0));
  }

  get spills(): number {
    return this.spillCount;
  }

  insert(record: Pair): void {
    this.buffer.push(record);
    this.sampler.add(record);
    if (this.sampler.estimatedBytes > this.opts.memoryBytes) this.spill();
  }

  /** Yields all records sorted by key. Call once, after the last insert. */
  *drain(): Generator<Pair, void, undefined> {
    const memoryRun = this.sortRun(this.buffer);
    this.buffer = [];
    if (this.runs.length === 0) {
      yield* memoryRun;
      return;
    }
    // The in-memory run takes one merge slot; earlier runs are pre-merged in consecutive groups.
    while (this.runs.length > this.fanIn - 1) {
      const group = this.runs.slice(0, this.fanIn);
      const merged = this.writeRun(mergeSorted(group.map((r) => this.readRun(r)), this.byKey));
      for (const r of group) this.deleteRun(r);
      this.runs.splice(0, group.length, merged);
    }
    yield* mergeSorted([...this.runs.map((r) => this.readRun(r)), memoryRun[Symbol.iterator]()], this.byKey);
    for (const r of this.runs) this.deleteRun(r);
    this.runs = [];
  }

  /** Deletes every run file; safe to call at any point. */
  dispose(): void {
    for (const path of this.live) unlinkQuietly(path);
    this.live.clear();
    this.runs = [];
    this.buffer = [];
  }

  private spill(): void {
    const estimatedBytes = this.sampler.estimatedBytes;
    const records = this.buffer.length;
    this.runs.push(this.writeRun(this.sortRun(this.buffer)));
    this.buffer = [];
    this.sampler.reset();
    this.spillCount++;
    this.opts.onSpill?.({ kind: 'sort-run', records, estimatedBytes });
  }

  /** Sorts a run (stable); may sort in place or return a new array. */
  private sortRun(records: Pair[]): Pair[] {
    const order = this.opts.keyOrder;
    if (order !== undefined && records.length >= NUMERIC_SORT_MIN_RECORDS) {
      const sorted = sortByNumericKey(records, order === 'descending');
      if (sorted !== undefined) return sorted;
    }
    return records.sort(this.byKey);
  }

  private writeRun(records: Iterable<Pair>): Run {
    const { path, fd } = openTempFile(this.opts.spillDir, 'sort-run');
    this.live.add(path);
    try {
      const out = new BufferedFileWriter(fd, this.ioBytes);
      const frames = new FrameWriter(out, { maxFrameBytes: this.ioBytes });
      for (const r of records) frames.write(r);
      frames.flush();
      return { path, length: out.position };
    } finally {
      closeQuietly(fd);
    }
  }

  private *readRun(run: Run): Generator<Pair, void, undefined> {
    for (const batch of fileSegmentFrames(run.path, 0, run.length, { chunkBytes: this.ioBytes })) {
      yield* batch as Pair[];
    }
  }

  private deleteRun(run: Run): void {
    unlinkQuietly(run.path);
    this.live.delete(run.path);
  }
}
