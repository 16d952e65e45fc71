import { IllegalStateError } from '../errors.js';
import type { Partitioner, PartitionerSpec } from '../partitioner/partitioner.js';
import { RangePartitioner } from '../partitioner/range-partitioner.js';
import type { RDD } from './rdd.js';

/**
 * The range partitioner of sortByKey. Its bounds come from sampling the input, which needs a
 * job; transformations are synchronous, so the sample runs when the first action that needs
 * the sort is submitted (Spark samples eagerly inside sortByKey instead). It always reports
 * the requested partition count; with few distinct keys the last partitions are empty.
 */
export class DeferredRangePartitioner implements Partitioner {
  private resolved: RangePartitioner | undefined;

  constructor(
    readonly numPartitions: number,
    readonly ascending: boolean,
    private readonly input: RDD<[unknown, unknown]>,
  ) {}

  get isResolved(): boolean {
    return this.resolved !== undefined;
  }

  /** Samples the input's keys (a job) and fixes the bounds. Idempotent. */
  async resolve(): Promise<void> {
    if (this.resolved) return;
    const inputPartitions = this.input.getNumPartitions();
    if (inputPartitions === 0 || this.numPartitions <= 1) {
      this.resolved = new RangePartitioner(this.numPartitions, [], this.ascending);
      return;
    }
    const perPartition = RangePartitioner.sampleSizePerPartition(this.numPartitions, inputPartitions);
    const sketches = (await this.input.kc.runJob(this.input, {
      action: 'sketch',
      args: { sampleSize: perPartition, seed: this.input.id },
    })) as Array<{ count: number; sample: unknown[] }>;
    const fitted = RangePartitioner.fromSketch(this.numPartitions, sketches, this.ascending);
    this.resolved = new RangePartitioner(this.numPartitions, [...fitted.bounds], this.ascending);
  }

  private get partitioner(): RangePartitioner {
    if (!this.resolved) {
      throw new IllegalStateError('sortByKey range bounds were used before sampling; this is a Kindling bug');
    }
    return this.resolved;
  }

  getPartition(key: unknown): number {
    return this.partitioner.getPartition(key);
  }

  equals(other: Partitioner | undefined | null): boolean {
    if (other === this) return true;
    if (!this.resolved || !other) return false;
    const o = other instanceof DeferredRangePartitioner ? other.resolved : other;
    return o !== undefined && this.resolved.equals(o);
  }

  toSpec(): PartitionerSpec {
    return { ...this.partitioner.toSpec(), numPartitions: this.numPartitions } as PartitionerSpec;
  }

  toString(): string {
    return `RangePartitioner(${this.numPartitions}${this.resolved ? '' : ', unsampled'})`;
  }
}
