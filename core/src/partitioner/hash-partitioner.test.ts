import { expect } from 'chai';
import { IllegalArgumentError, IllegalStateError } from '../errors.js';
import { HashPartitioner } from './hash-partitioner.js';
import { RangePartitioner } from './range-partitioner.js';
import { stableHash } from './stable-hash.js';

function shares(keys: unknown[], n: number): number[] {
  const p = new HashPartitioner(n);
  const counts = new Array<number>(n).fill(0);
  for (const k of keys) counts[p.getPartition(k)]++;
  return counts.map((c) => c / keys.length);
}

describe('HashPartitioner', () => {
  it('spreads 10k string keys evenly over 8 partitions', () => {
    const keys = Array.from({ length: 10000 }, (_, i) => `key-${i}`);
    for (const share of shares(keys, 8)) expect(share).to.be.within(0.08, 0.17);
  });

  it('spreads sequential numbers and composite keys evenly too', () => {
    const ints = Array.from({ length: 10000 }, (_, i) => i * 8);
    for (const share of shares(ints, 8)) expect(share).to.be.within(0.08, 0.17);
    const pairs = Array.from({ length: 10000 }, (_, i) => [i % 100, `u${Math.floor(i / 100)}`]);
    for (const share of shares(pairs, 8)) expect(share).to.be.within(0.08, 0.17);
  });

  it('returns the non-negative hash modulo n', () => {
    const p = new HashPartitioner(7);
    for (const k of ['a', 'b', -1, 2.5, 10n, [1, 2], true]) {
      const part = p.getPartition(k);
      expect(part).to.be.within(0, 6);
      expect((((stableHash(k) % 7) + 7) % 7)).to.equal(part);
    }
  });

  it('puts null in partition 0', () => {
    for (const n of [1, 3, 16]) expect(new HashPartitioner(n).getPartition(null)).to.equal(0);
  });

  it('validates the partition count like Spark', () => {
    expect(() => new HashPartitioner(-1)).to.throw(IllegalArgumentError, 'Number of partitions (-1) cannot be negative.');
    expect(() => new HashPartitioner(1.5)).to.throw(IllegalArgumentError, /integer/);
    expect(() => new HashPartitioner(NaN)).to.throw(IllegalArgumentError);
    expect(new HashPartitioner(0).numPartitions).to.equal(0);
    expect(() => new HashPartitioner(0).getPartition('a')).to.throw(IllegalStateError);
  });

  it('rejects unsupported keys', () => {
    expect(() => new HashPartitioner(4).getPartition({})).to.throw(IllegalArgumentError, /object/);
    expect(() => new HashPartitioner(4).getPartition(undefined)).to.throw(IllegalArgumentError, /undefined/);
  });

  it('equals another HashPartitioner with the same count only', () => {
    const p4 = new HashPartitioner(4);
    expect(p4.equals(new HashPartitioner(4))).to.equal(true);
    expect(p4.equals(new HashPartitioner(5))).to.equal(false);
    expect(p4.equals(new RangePartitioner(4, [1, 2, 3]))).to.equal(false);
    expect(p4.equals(null)).to.equal(false);
    expect(p4.equals(undefined)).to.equal(false);
  });

  it('describes itself', () => {
    expect(String(new HashPartitioner(4))).to.equal('HashPartitioner(4)');
    expect(new HashPartitioner(4).toSpec()).to.deep.equal({ kind: 'hash', numPartitions: 4 });
  });
});
