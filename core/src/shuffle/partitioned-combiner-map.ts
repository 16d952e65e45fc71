import type { Aggregator } from './aggregator.js';
import { type KeyMapLike, foldInto, forEachEntry } from './key-map-like.js';
import type { PartitionedBuffer } from './partitioned-buffer.js';
import type { FrameWriter } from './record-frames.js';
import { estimateSize } from './size-estimator.js';
import { SizeTracker } from './size-tracker.js';

const MAP_OVERHEAD = 64;
const ENTRY_OVERHEAD = 32;

/**
 * Map-side combine buffer (createCombiner / mergeValue). All partitions share one KeyMap of
 * combiners: a record costs one map update, and the partition function runs once per distinct
 * key when the buffer is written or spilled, not once per record. That is equivalent to keying
 * by (partition, key), as Spark does, because a partitioner is a function of the key and
 * equal keys (by the KeyMap's equality) hash alike.
 */
export class PartitionedCombinerMap implements PartitionedBuffer {
  private readonly map: KeyMapLike<unknown>;
  /** Per partition, keys and combiners interleaved (k0, c0, k1, c1, ...): built on demand for writing, dropped by insert/clear. */
  private groups: Array<unknown[] | undefined> | undefined;
  private active: number[] = [];
  // Combiners grow in place (lists, sets), so appends alone cannot be sampled: re-measure geometrically.
  private readonly tracker: SizeTracker;
  private readonly create: (v: unknown) => unknown;
  private readonly merge: (c: unknown, v: unknown) => unknown;

  /** `partitionOf` must return an integer in [0, numPartitions) (the writer validates it). */
  constructor(
    private readonly numPartitions: number,
    aggregator: Aggregator,
    newKeyMap: () => KeyMapLike<unknown>,
    private readonly partitionOf: (key: unknown) => number,
  ) {
    this.map = newKeyMap();
    this.tracker = new SizeTracker(() => this.measure());
    this.create = (v) => aggregator.createCombiner(v);
    this.merge = (c, v) => aggregator.mergeValue(c, v);
  }

  insert(record: readonly [unknown, unknown]): void {
    if (this.groups !== undefined) this.ungroup();
    foldInto(this.map, record[0], record[1], this.create, this.merge);
    this.tracker.afterUpdate();
  }

  get estimatedBytes(): number {
    return this.tracker.estimatedBytes;
  }

  get recordCount(): number {
    return this.map.size;
  }

  activePartitions(): readonly number[] {
    this.group();
    return this.active;
  }

  writePartition(partition: number, out: FrameWriter): void {
    const flat = this.group()[partition];
    if (flat === undefined) return;
    for (let i = 0; i < flat.length; i += 2) out.write([flat[i], flat[i + 1]]);
  }

  clear(): void {
    this.ungroup();
    this.map.clear();
    this.tracker.reset();
  }

  /** Buckets the entries by partition, keeping insertion order within each partition. */
  private group(): Array<unknown[] | undefined> {
    if (this.groups !== undefined) return this.groups;
    const groups = new Array<unknown[] | undefined>(this.numPartitions);
    const active: number[] = [];
    const partitionOf = this.partitionOf;
    forEachEntry(this.map, (combiner, key) => {
      const p = partitionOf(key);
      const list = groups[p];
      if (list === undefined) {
        groups[p] = [key, combiner];
        active.push(p);
      } else {
        list.push(key, combiner);
      }
    });
    this.active = active.sort((a, b) => a - b);
    this.groups = groups;
    return groups;
  }

  private ungroup(): void {
    this.groups = undefined;
    this.active = [];
  }

  private measure(): number {
    let size = MAP_OVERHEAD;
    forEachEntry(this.map, (combiner, key) => {
      size += ENTRY_OVERHEAD + estimateSize(key) + estimateSize(combiner);
    });
    return size;
  }
}
