import { expect } from 'chai';
import { estimateSize } from './size-estimator.js';
import { AppendSizeSampler, SizeTracker } from './size-tracker.js';

describe('shuffle/size-estimator', () => {
  it('sizes primitives and containers', () => {
    expect(estimateSize('abcd')).to.equal(24 + 8);
    expect(estimateSize(1)).to.equal(8);
    expect(estimateSize(true)).to.equal(4);
    expect(estimateSize(1n)).to.equal(16);
    expect(estimateSize(['ab', 1])).to.equal(16 + 28 + 8);
    expect(estimateSize({ a: 1 })).to.equal(32 + 8 + 8);
    expect(estimateSize(new Map([[1, 'x']]))).to.be.greaterThan(64);
    expect(estimateSize(new Set([1, 2]))).to.be.greaterThan(64);
    expect(estimateSize(Buffer.alloc(1000))).to.be.greaterThan(1000);
  });

  it('counts shared values once and survives cycles and deep nesting', () => {
    const shared = Array.from({ length: 100 }, (_, i) => `value-${i}`);
    expect(estimateSize([shared, shared])).to.be.below(2 * estimateSize(shared));
    const cyclic: unknown[] = [1];
    cyclic.push(cyclic);
    expect(estimateSize(cyclic)).to.be.a('number');
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(estimateSize(deep)).to.be.a('number');
  });

  it('extrapolates append-only buffers from samples', () => {
    const s = new AppendSizeSampler();
    for (let i = 0; i < 1000; i++) s.add(['key', i]);
    expect(s.records).to.equal(1000);
    expect(s.estimatedBytes).to.equal(1000 * (8 + estimateSize(['key', 1])));
    s.reset();
    expect(s.estimatedBytes).to.equal(0);
  });

  it('tracks growing collections with geometric re-measurement', () => {
    const lists: number[][] = [[]];
    let measures = 0;
    const t = new SizeTracker(() => {
      measures++;
      return lists.reduce((n, l) => n + estimateSize(l), 0);
    });
    for (let i = 0; i < 10_000; i++) {
      lists[0].push(i);
      t.afterUpdate();
    }
    const actual = estimateSize(lists[0]);
    expect(t.estimatedBytes).to.be.within(actual * 0.9, actual * 1.1);
    expect(measures).to.be.below(120); // logarithmic in the number of updates
  });
});
