import { IllegalArgumentError } from '../errors.js';
import { compareKeys, type KeyOrdering } from './key-ordering.js';
import type { Partitioner, PartitionerSpec } from './partitioner.js';

/** Spark switches from a linear scan to binary search above this many bounds. */
const LINEAR_SCAN_MAX_BOUNDS = 128;

/** Per-input-partition reservoir sample, as the driver collects it for sortByKey. */
export interface PartitionSketch {
  /** Records seen in the input partition. */
  count: number;
  /** Uniform sample of those records' keys. */
  sample: unknown[];
}

/**
 * Keys re-sampled by the driver from imbalanced input partitions (see planResample), each
 * standing for `1 / fraction` records.
 */
export interface ResampledKeys {
  /** Input partitions whose sketch this sample replaces. */
  partitions: readonly number[];
  fraction: number;
  sample: unknown[];
}

/**
 * Spark's RangePartitioner: partition i holds keys in (bounds[i-1], bounds[i]], so sorted
 * partitions concatenate into a sorted RDD. Bounds are always in ascending `ordering`;
 * `ascending = false` mirrors the partition index instead of the bounds.
 *
 * The ordering is not part of the spec: a partitioner rebuilt on an executor uses compareKeys
 * unless partitionerFromSpec is given the same custom ordering.
 */
export class RangePartitioner implements Partitioner {
  /** bounds.length + 1: fewer than requested when the data has few distinct keys. */
  readonly numPartitions: number;
  readonly bounds: readonly unknown[];

  constructor(
    partitions: number,
    bounds: readonly unknown[],
    readonly ascending = true,
    readonly ordering: KeyOrdering = compareKeys,
  ) {
    if (!Number.isInteger(partitions)) {
      throw new IllegalArgumentError(`Number of partitions must be an integer, got ${partitions}.`);
    }
    if (partitions < 0) {
      throw new IllegalArgumentError(`Number of partitions cannot be negative but found ${partitions}.`);
    }
    if (bounds.length >= Math.max(partitions, 1)) {
      throw new IllegalArgumentError(
        `RangePartitioner got ${bounds.length} bounds for at most ${partitions} partitions.`,
      );
    }
    // A misordered bound would silently send keys to the wrong partition; check it once here.
    for (let i = 1; i < bounds.length; i++) {
      if (ordering(bounds[i - 1], bounds[i]) >= 0) {
        throw new IllegalArgumentError(`RangePartitioner bounds must be strictly increasing (at index ${i}).`);
      }
    }
    this.bounds = Object.freeze([...bounds]);
    this.numPartitions = bounds.length + 1;
  }

  getPartition(key: unknown): number {
    const bounds = this.bounds;
    const cmp = this.ordering;
    const n = bounds.length;
    let p = 0;
    if (n === 0) {
      // Still reject unsupported keys, so errors do not depend on how many bounds the data produced.
      cmp(key, key);
    } else if (n <= LINEAR_SCAN_MAX_BOUNDS) {
      while (p < n && cmp(key, bounds[p]) > 0) p++;
    } else {
      // First bound >= key (lower bound); n if key is above every bound.
      let hi = n;
      while (p < hi) {
        const mid = (p + hi) >>> 1;
        if (cmp(key, bounds[mid]) > 0) p = mid + 1;
        else hi = mid;
      }
    }
    return this.ascending ? p : n - p;
  }

  /** Spark's rule: same bounds (by compareKeys) and same direction; the ordering is not compared. */
  equals(other: Partitioner | undefined | null): boolean {
    if (!(other instanceof RangePartitioner)) return false;
    if (other === this) return true;
    if (other.ascending !== this.ascending || other.bounds.length !== this.bounds.length) return false;
    for (let i = 0; i < this.bounds.length; i++) {
      if (compareKeys(this.bounds[i], other.bounds[i]) !== 0) return false;
    }
    return true;
  }

  toSpec(): PartitionerSpec {
    return { kind: 'range', numPartitions: this.numPartitions, bounds: [...this.bounds], ascending: this.ascending };
  }

  toString(): string {
    return `RangePartitioner(${this.numPartitions}, ${this.ascending ? 'ascending' : 'descending'})`;
  }

  /**
   * Reservoir size per input partition for a target of `partitions` ranges: about 20 keys per
   * output partition (capped at 1e6), over-sampled 3x because input partitions can be imbalanced.
   */
  static sampleSizePerPartition(partitions: number, numInputPartitions: number): number {
    if (numInputPartitions <= 0 || partitions <= 0) return 0;
    const sampleSize = Math.min(20 * partitions, 1e6);
    return Math.ceil((3 * sampleSize) / numInputPartitions);
  }

  /**
   * Spark's determineBounds: sort weighted candidates by key and cut a bound each time the
   * cumulative weight passes another `total / partitions`. A bound must be strictly greater than
   * the previous one, so heavy duplicate keys yield fewer than `partitions - 1` bounds.
   */
  static determineBounds(
    candidates: ReadonlyArray<readonly [unknown, number]>,
    partitions: number,
    ordering: KeyOrdering = compareKeys,
  ): unknown[] {
    // Array.prototype.sort is stable, like Scala's sortBy.
    const ordered = [...candidates].sort((x, y) => ordering(x[0], y[0]));
    let sumWeights = 0;
    for (const [, w] of ordered) sumWeights += w;
    const step = sumWeights / partitions;
    let cumWeight = 0;
    let target = step;
    const bounds: unknown[] = [];
    let hasPrevious = false;
    let previous: unknown;
    for (let i = 0; i < ordered.length && bounds.length < partitions - 1; i++) {
      const [key, weight] = ordered[i];
      cumWeight += weight;
      if (cumWeight >= target && (!hasPrevious || ordering(key, previous) > 0)) {
        bounds.push(key);
        target += step;
        previous = key;
        hasPrevious = true;
      }
    }
    return bounds;
  }

  /**
   * Spark's imbalance check: an input partition holding much more than its share of records got
   * too few samples for precise bounds inside it. The driver may Bernoulli-sample the returned
   * partitions with `fraction` (a second pass) and hand the keys to fromSketch. Assumes the
   * sketches were taken with sampleSizePerPartition(partitions, sketches.length).
   */
  static planResample(
    partitions: number,
    sketches: ReadonlyArray<PartitionSketch>,
  ): { fraction: number; partitions: number[] } {
    const perPartition = RangePartitioner.sampleSizePerPartition(partitions, sketches.length);
    const sampleSize = Math.min(20 * partitions, 1e6);
    let numItems = 0;
    for (const s of sketches) numItems += s.count;
    const fraction = Math.min(sampleSize / Math.max(numItems, 1), 1);
    const imbalanced: number[] = [];
    for (let i = 0; partitions > 1 && i < sketches.length; i++) {
      if (fraction * sketches[i].count > perPartition) imbalanced.push(i);
    }
    return { fraction, partitions: imbalanced };
  }

  /**
   * Builds the partitioner from per-input-partition sketches (see reservoirSample). Each sampled
   * key stands for `count / sample.length` records, so a large partition with a small sample
   * still pulls the bounds towards its keys. Without `resampled`, such a partition's bounds are
   * coarse; with it (see planResample) this is Spark's full algorithm.
   */
  static fromSketch(
    partitions: number,
    sketches: ReadonlyArray<PartitionSketch>,
    ascending = true,
    ordering: KeyOrdering = compareKeys,
    resampled?: ResampledKeys,
  ): RangePartitioner {
    if (partitions <= 1) return new RangePartitioner(partitions, [], ascending, ordering);
    const replaced = new Set(resampled?.partitions ?? []);
    const candidates: Array<[unknown, number]> = [];
    sketches.forEach(({ count, sample }, i) => {
      if (sample.length === 0 || replaced.has(i)) return;
      const weight = count / sample.length;
      for (const key of sample) candidates.push([key, weight]);
    });
    if (resampled && resampled.fraction > 0) {
      const weight = 1 / resampled.fraction;
      for (const key of resampled.sample) candidates.push([key, weight]);
    }
    if (candidates.length === 0) return new RangePartitioner(partitions, [], ascending, ordering);
    const bounds = RangePartitioner.determineBounds(candidates, Math.min(partitions, candidates.length), ordering);
    return new RangePartitioner(partitions, bounds, ascending, ordering);
  }
}
