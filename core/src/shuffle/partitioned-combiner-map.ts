import type { Aggregator } from './aggregator.js';
import { type KeyMapLike, foldInto } from './key-map-like.js';
import type { PartitionedBuffer } from './partitioned-buffer.js';
import type { FrameWriter } from './record-frames.js';
import { estimateSize } from './size-estimator.js';
import { SizeTracker } from './size-tracker.js';

const MAP_OVERHEAD = 64;
const ENTRY_OVERHEAD = 32;

/** Map-side combine buffer: one KeyMap of combiners per partition (createCombiner / mergeValue). */
export class PartitionedCombinerMap implements PartitionedBuffer {
  private readonly maps: Array<KeyMapLike<unknown> | undefined>;
  private active: number[] = [];
  // Combiners grow in place (lists, sets), so appends alone cannot be sampled: re-measure geometrically.
  private readonly tracker: SizeTracker;
  private readonly create: (v: unknown) => unknown;
  private readonly merge: (c: unknown, v: unknown) => unknown;

  constructor(
    numPartitions: number,
    aggregator: Aggregator,
    private readonly newKeyMap: () => KeyMapLike<unknown>,
  ) {
    this.maps = new Array<KeyMapLike<unknown> | undefined>(numPartitions);
    this.tracker = new SizeTracker(() => this.measure());
    this.create = (v) => aggregator.createCombiner(v);
    this.merge = (c, v) => aggregator.mergeValue(c, v);
  }

  insert(partition: number, record: readonly [unknown, unknown]): void {
    let map = this.maps[partition];
    if (map === undefined) {
      map = this.maps[partition] = this.newKeyMap();
      this.active.push(partition);
    }
    foldInto(map, record[0], record[1], this.create, this.merge);
    this.tracker.afterUpdate();
  }

  get estimatedBytes(): number {
    return this.tracker.estimatedBytes;
  }

  get recordCount(): number {
    let n = 0;
    for (const p of this.active) n += this.maps[p]!.size;
    return n;
  }

  activePartitions(): readonly number[] {
    return this.active.sort((a, b) => a - b);
  }

  writePartition(partition: number, out: FrameWriter): void {
    const map = this.maps[partition];
    if (map === undefined) return;
    for (const [key, combiner] of map.entries()) out.write([key, combiner]);
  }

  clear(): void {
    // Drop the maps rather than keep thousands of empty ones alive across spills.
    for (const p of this.active) this.maps[p] = undefined;
    this.active = [];
    this.tracker.reset();
  }

  private measure(): number {
    let size = 0;
    for (const p of this.active) {
      size += MAP_OVERHEAD;
      for (const [key, combiner] of this.maps[p]!.entries()) {
        size += ENTRY_OVERHEAD + estimateSize(key) + estimateSize(combiner);
      }
    }
    return size;
  }
}
