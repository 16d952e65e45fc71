import { expect } from 'chai';
import { IllegalArgumentError } from '../errors.js';
import { estimate, mergeRegisters, newRegisters, offer, precisionFor } from './hyperloglog.js';

function sketch(p: number, values: Iterable<unknown>): Uint8Array {
  const r = newRegisters(p);
  for (const v of values) offer(r, p, v);
  return r;
}

describe('HyperLogLog++ sketch', () => {
  it("derives Spark's precision from relativeSD and rejects what it cannot meet", () => {
    expect(precisionFor(0.05)).to.equal(9);
    expect(precisionFor(0.01)).to.equal(14);
    expect(precisionFor(0.5)).to.equal(4);
    expect(() => precisionFor(0.000017)).to.throw(IllegalArgumentError, 'accuracy (0.000017) must be greater than 0.000017');
    expect(() => precisionFor(0.001)).to.throw(IllegalArgumentError, /p <= 18/);
  });

  it('estimates within 3 standard errors over small, medium and large cardinalities', () => {
    for (const p of [9, 12, 14]) {
      const se = 1.04 / Math.sqrt(2 ** p);
      for (const n of [1, 10, 200, 3000, 40000]) {
        const est = estimate(sketch(p, Array.from({ length: n }, (_, i) => `item-${i}`)));
        expect(Math.abs(est - n) / n, `p=${p} n=${n} estimate=${est}`).to.be.at.most(Math.max(3 * se, 0.02));
      }
    }
    expect(estimate(newRegisters(9))).to.equal(0);
  });

  it('counts duplicates once, distinguishes types, and merges like a union', () => {
    const p = 12;
    expect(estimate(sketch(p, ['a', 'a', 'a', 'b']))).to.equal(2);
    expect(estimate(sketch(p, [1, '1', [1], 1n, true, null]))).to.equal(6);
    const left = sketch(p, Array.from({ length: 1000 }, (_, i) => i));
    const right = sketch(p, Array.from({ length: 1000 }, (_, i) => i + 500));
    const union = estimate(mergeRegisters(left, right));
    expect(Math.abs(union - 1500) / 1500).to.be.below(0.05);
    expect(() => mergeRegisters(newRegisters(4), newRegisters(5))).to.throw(IllegalArgumentError, /different precision/);
  });
});
