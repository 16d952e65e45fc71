/**
 * Reduce-side aggregation within a memory budget (Spark's ExternalAppendOnlyMap, but with
 * hash partitioning instead of sorted spills, since output order is unspecified here).
 *
 * Values are combined in one KeyMap. When its estimated size exceeds the budget, its entries
 * are appended to K hash-bucket files (by hashKey(key, depth)) and the map is cleared. At the
 * end, if anything spilled, the remainder is bucketed too and buckets are combined one at a
 * time with mergeCombiners: equal keys always share a bucket, so each bucket's result is final.
 *
 * A bucket that is still too big is handled by a child aggregator that re-buckets it with a
 * different salt, up to `maxDepth` levels; below that the child combines in memory without a
 * limit. That last level is what happens to a single hot key whose combiner alone exceeds the
 * budget (groupByKey on a skewed key): hashing cannot split one key.
 */
import type { Aggregator } from './aggregator.js';
import { BufferedFileWriter } from './buffered-file-writer.js';
import { hashKey } from './key-hash.js';
import { type KeyMapLike, foldInto } from './key-map-like.js';
import { FrameWriter, fileSegmentFrames } from './record-frames.js';
import { estimateSize } from './size-estimator.js';
import { SizeTracker } from './size-tracker.js';
import type { SpillListener } from './spill-event.js';
import { closeQuietly, openTempFile, unlinkQuietly } from './temp-files.js';

const ENTRY_OVERHEAD = 32;
/** Small per-bucket write buffers: K of them are open at once. */
const BUCKET_BUFFER_BYTES = 16 * 1024;

export interface SpillingAggregatorOptions {
  aggregator: Aggregator;
  /** Incoming values are already combiners (merge with mergeCombiners). */
  mapSideCombined: boolean;
  newKeyMap: () => KeyMapLike<unknown>;
  spillDir: string;
  memoryBytes: number;
  /** Hash buckets per spill level (default 16). */
  buckets?: number;
  /** Bucketing levels before a bucket is combined in memory regardless of size (default 3). */
  maxDepth?: number;
  onSpill?: SpillListener;
}

interface BucketFile {
  path: string;
  fd: number | undefined;
  out: BufferedFileWriter;
  frames: FrameWriter;
}

export class SpillingAggregator {
  private readonly map: KeyMapLike<unknown>;
  private readonly tracker: SizeTracker;
  private readonly bucketCount: number;
  private readonly maxDepth: number;
  private buckets: BucketFile[] | undefined;
  private child: SpillingAggregator | undefined;
  private spillCount = 0;
  private readonly create: (v: unknown) => unknown;
  private readonly merge: (c: unknown, v: unknown) => unknown;

  constructor(
    private readonly opts: SpillingAggregatorOptions,
    private readonly depth = 0,
  ) {
    this.map = opts.newKeyMap();
    this.tracker = new SizeTracker(() => this.measure());
    this.bucketCount = Math.max(2, opts.buckets ?? 16);
    this.maxDepth = opts.maxDepth ?? 3;
    const { aggregator, mapSideCombined } = opts;
    // Incoming combiners start as themselves and merge with mergeCombiners.
    this.create = mapSideCombined ? (v) => v : (v) => aggregator.createCombiner(v);
    this.merge = mapSideCombined ? (c, v) => aggregator.mergeCombiners(c, v) : (c, v) => aggregator.mergeValue(c, v);
  }

  /** Spills performed by this aggregator (children not included). */
  get spills(): number {
    return this.spillCount;
  }

  insert(key: unknown, value: unknown): void {
    foldInto(this.map, key, value, this.create, this.merge);
    this.tracker.afterUpdate();
    if (this.tracker.estimatedBytes > this.opts.memoryBytes) this.spill();
  }

  /** Yields every [key, combiner] once. Call once, after the last insert. */
  *drain(): Generator<[unknown, unknown], void, undefined> {
    if (this.buckets === undefined) {
      for (const [key, combiner] of this.map.entries()) yield [key, combiner];
      this.map.clear();
      return;
    }
    this.spill();
    const buckets = this.buckets;
    for (const b of buckets) {
      b.frames.flush();
      closeQuietly(b.fd);
      b.fd = undefined;
    }
    for (const b of buckets) {
      const length = b.out.position;
      const deeper = this.depth + 1 >= this.maxDepth;
      const child = new SpillingAggregator(
        { ...this.opts, mapSideCombined: true, memoryBytes: deeper ? Infinity : this.opts.memoryBytes },
        this.depth + 1,
      );
      this.child = child;
      for (const batch of fileSegmentFrames(b.path, 0, length)) {
        for (const record of batch) {
          const pair = record as [unknown, unknown];
          child.insert(pair[0], pair[1]);
        }
      }
      unlinkQuietly(b.path); // read fully: free the disk before producing output
      yield* child.drain();
      child.dispose();
      this.child = undefined;
    }
  }

  /** Releases memory and deletes every spill file, including those of a bucket being processed. */
  dispose(): void {
    this.child?.dispose();
    this.child = undefined;
    if (this.buckets !== undefined) {
      for (const b of this.buckets) {
        closeQuietly(b.fd);
        b.fd = undefined;
        unlinkQuietly(b.path);
      }
    }
    this.map.clear();
  }

  private spill(): void {
    const map = this.map;
    if (map.size === 0) return;
    const estimatedBytes = this.tracker.estimatedBytes;
    const records = map.size;
    const buckets = (this.buckets ??= this.openBuckets());
    const n = buckets.length;
    for (const [key, combiner] of map.entries()) {
      buckets[hashKey(key, this.depth) % n].frames.write([key, combiner]);
    }
    // End frames so no record object stays referenced once the map is cleared.
    for (const b of buckets) b.frames.endFrame();
    map.clear();
    this.tracker.reset();
    this.spillCount++;
    this.opts.onSpill?.({ kind: 'aggregation', records, estimatedBytes });
  }

  private openBuckets(): BucketFile[] {
    const buckets: BucketFile[] = [];
    // Registered as each file is created, so dispose() finds them even if opening fails midway.
    this.buckets = buckets;
    for (let i = 0; i < this.bucketCount; i++) {
      const { path, fd } = openTempFile(this.opts.spillDir, `aggregate-d${this.depth}-b${i}`);
      const out = new BufferedFileWriter(fd, BUCKET_BUFFER_BYTES);
      buckets.push({ path, fd, out, frames: new FrameWriter(out) });
    }
    return buckets;
  }

  private measure(): number {
    let size = 0;
    for (const [key, combiner] of this.map.entries()) size += ENTRY_OVERHEAD + estimateSize(key) + estimateSize(combiner);
    return size;
  }
}
