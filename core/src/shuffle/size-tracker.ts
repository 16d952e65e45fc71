import { estimateSize } from './size-estimator.js';

/** How often an appended record is measured: 1 in SAMPLE_EVERY (the first always is). */
const SAMPLE_EVERY = 32;
/** Array slot holding each appended record. */
const SLOT_BYTES = 8;

/**
 * Size of an append-only buffer (records are never changed after insertion): measure every
 * 32nd record and extrapolate from the mean, so the hot path is a counter increment.
 */
export class AppendSizeSampler {
  private count = 0;
  private sampledBytes = 0;
  private samples = 0;

  add(record: unknown): void {
    if (this.count % SAMPLE_EVERY === 0) {
      this.sampledBytes += estimateSize(record);
      this.samples++;
    }
    this.count++;
  }

  get records(): number {
    return this.count;
  }

  get estimatedBytes(): number {
    if (this.samples === 0) return 0;
    return this.count * (SLOT_BYTES + this.sampledBytes / this.samples);
  }

  reset(): void {
    this.count = 0;
    this.sampledBytes = 0;
    this.samples = 0;
  }
}

/**
 * Spark's SizeTracker, for collections whose entries grow in place (combiner maps): re-measure
 * the whole collection when the update count passes geometrically spaced marks and extrapolate
 * with the bytes-per-update rate seen between the last two measurements. Amortised cost per
 * update is a small constant (about 1 / (growth - 1) element visits).
 */
export class SizeTracker {
  private updates = 0;
  private nextSample = 1;
  private lastSize = 0;
  private lastUpdates = 0;
  private bytesPerUpdate = 0;

  constructor(
    private readonly measure: () => number,
    private readonly growth = 1.1,
  ) {
    this.reset();
  }

  afterUpdate(): void {
    this.updates++;
    if (this.updates >= this.nextSample) this.takeSample();
  }

  get estimatedBytes(): number {
    return this.lastSize + this.bytesPerUpdate * (this.updates - this.lastUpdates);
  }

  /** Call after the collection was cleared. */
  reset(): void {
    this.updates = 0;
    this.lastUpdates = 0;
    this.lastSize = this.measure();
    this.bytesPerUpdate = 0;
    this.nextSample = 1;
  }

  private takeSample(): void {
    const size = this.measure();
    const delta = this.updates - this.lastUpdates;
    if (delta > 0) this.bytesPerUpdate = Math.max(0, (size - this.lastSize) / delta);
    this.lastSize = size;
    this.lastUpdates = this.updates;
    this.nextSample = Math.max(this.updates + 1, Math.ceil(this.updates * this.growth));
  }
}
