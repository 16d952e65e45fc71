import { expect } from 'chai';
import { IllegalArgumentError } from '../errors.js';
import { HashPartitioner } from './hash-partitioner.js';
import { compareKeys, descending } from './key-ordering.js';
import type { Partitioner, PartitionerSpec } from './partitioner.js';
import { partitionerFromSpec } from './partitioner-from-spec.js';
import { RangePartitioner } from './range-partitioner.js';

// What an executor sees: the spec after structured clone.
const travel = (p: Partitioner) => partitionerFromSpec(structuredClone(p.toSpec()));

describe('partitionerFromSpec', () => {
  it('rebuilds an equal HashPartitioner', () => {
    const p = new HashPartitioner(6);
    const q = travel(p);
    expect(q).to.be.instanceOf(HashPartitioner);
    expect(q.equals(p)).to.equal(true);
    for (const k of ['a', 1, [2, 'b'], 5n]) expect(q.getPartition(k)).to.equal(p.getPartition(k));
  });

  it('rebuilds an equal RangePartitioner, bigint and array bounds included', () => {
    for (const ascending of [true, false]) {
      const p = new RangePartitioner(5, [-1, 10n, 'm', [1, 'x']], ascending);
      const q = travel(p);
      expect(q).to.be.instanceOf(RangePartitioner);
      expect(q.equals(p)).to.equal(true);
      expect(q.numPartitions).to.equal(5);
      for (const k of [-5, 0, 11n, 'a', 'z', [0], [2]]) expect(q.getPartition(k)).to.equal(p.getPartition(k));
    }
  });

  it('accepts the driver ordering for custom-ordered range partitioners', () => {
    const ordering = descending(compareKeys);
    const p = new RangePartitioner(3, [20, 10], true, ordering);
    const q = partitionerFromSpec(structuredClone(p.toSpec()), ordering);
    expect([25, 15, 5].map((k) => q.getPartition(k))).to.deep.equal([0, 1, 2]);
  });

  it('rejects malformed specs', () => {
    expect(() => partitionerFromSpec({ kind: 'round-robin' } as unknown as PartitionerSpec)).to.throw(
      IllegalArgumentError,
      /round-robin/,
    );
    expect(() => partitionerFromSpec(null as unknown as PartitionerSpec)).to.throw(IllegalArgumentError);
    expect(() => partitionerFromSpec({ kind: 'hash', numPartitions: -2 })).to.throw(IllegalArgumentError);
    expect(() =>
      partitionerFromSpec({ kind: 'range', numPartitions: 3, bounds: 'x', ascending: true } as unknown as PartitionerSpec),
    ).to.throw(IllegalArgumentError);
  });
});
