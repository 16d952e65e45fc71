import { expect } from 'chai';
import { IllegalArgumentError } from '../errors.js';
import { compareKeys, descending } from './key-ordering.js';
import { mixedKeys } from './test-keys.test-helper.js';

const sign = (x: number) => Math.sign(x) + 0;

describe('compareKeys', () => {
  it('orders types: null < boolean < number/bigint < string < array', () => {
    const sorted = [null, false, true, -Infinity, -5n, -1.5, 0, 1n, 2, 1e300, Infinity, NaN, '', 'a', [], [null]];
    const shuffled = [...sorted].reverse();
    expect(shuffled.sort(compareKeys)).to.deep.equal(sorted);
    for (let i = 0; i < sorted.length; i++) {
      for (let j = 0; j < sorted.length; j++) {
        expect(sign(compareKeys(sorted[i], sorted[j])), `${i} vs ${j}`).to.equal(sign(i - j));
      }
    }
  });

  it('compares numbers and bigints exactly by value', () => {
    expect(compareKeys(2 ** 53, 2n ** 53n + 1n)).to.equal(-1);
    expect(compareKeys(2n ** 53n + 1n, 2 ** 53)).to.equal(1);
    expect(compareKeys(1.5, 1n)).to.equal(1);
    expect(compareKeys(1.5, 2n)).to.equal(-1);
    expect(compareKeys(-1.5, -1n)).to.equal(-1);
    expect(compareKeys(-1.5, -2n)).to.equal(1);
    expect(compareKeys(1e300, 10n ** 301n)).to.equal(-1);
    expect(compareKeys(-Infinity, -(10n ** 400n))).to.equal(-1);
    expect(compareKeys(Infinity, 10n ** 400n)).to.equal(1);
    expect(compareKeys(NaN, 10n ** 400n)).to.equal(1);
    expect(compareKeys(3n, 2n)).to.equal(1);
  });

  it('keeps a number and an equal bigint distinct, number first', () => {
    expect(compareKeys(3, 3n)).to.equal(-1);
    expect(compareKeys(3n, 3)).to.equal(1);
    expect(compareKeys(-0, 0n)).to.equal(-1);
  });

  it('treats -0 as 0 and NaN as equal to NaN, after every number', () => {
    expect(compareKeys(-0, 0)).to.equal(0);
    expect(compareKeys(NaN, NaN)).to.equal(0);
    expect(compareKeys(NaN, Infinity)).to.equal(1);
    expect(compareKeys(Infinity, NaN)).to.equal(-1);
    expect(compareKeys(NaN, 'a')).to.equal(-1);
  });

  it('compares strings by UTF-16 code units and booleans false first', () => {
    expect(compareKeys('B', 'a')).to.equal(-1);
    expect(compareKeys('\uffff', '\ud83d\ude00')).to.equal(1); // code units, not code points
    expect(compareKeys('ab', 'a')).to.equal(1);
    expect(compareKeys(false, true)).to.equal(-1);
    expect(compareKeys(true, true)).to.equal(0);
    expect(compareKeys(null, null)).to.equal(0);
  });

  it('compares arrays lexicographically, shorter prefix first', () => {
    expect(compareKeys([1, 'a'], [1, 'b'])).to.equal(-1);
    expect(compareKeys([1], [1, 0])).to.equal(-1);
    expect(compareKeys([], [null])).to.equal(-1);
    expect(compareKeys([2], [1, 9])).to.equal(1);
    expect(compareKeys([[1, 2]], [[1, 2]])).to.equal(0);
    expect(compareKeys([['a']], [[1]])).to.equal(1);
    expect(compareKeys([NaN, -0], [NaN, 0])).to.equal(0);
  });

  it('is a total order over random mixed keys', () => {
    const keys = mixedKeys(150, 7);
    for (const a of keys) {
      expect(compareKeys(a, a)).to.equal(0);
      for (const b of keys) {
        const ab = compareKeys(a, b);
        expect(sign(ab)).to.equal(-sign(compareKeys(b, a)));
      }
    }
    const sorted = [...keys].sort(compareKeys);
    for (let i = 1; i < sorted.length; i++) expect(compareKeys(sorted[i - 1], sorted[i])).to.be.at.most(0);
    // Transitivity on a sample of triples.
    for (let i = 0; i + 2 < sorted.length; i += 3) {
      const [a, b, c] = [sorted[i], sorted[i + 1], sorted[i + 2]];
      expect(compareKeys(a, c)).to.be.at.most(0);
      if (compareKeys(a, b) < 0 || compareKeys(b, c) < 0) expect(compareKeys(a, c)).to.equal(-1);
    }
  });

  it('rejects unsupported keys', () => {
    expect(() => compareKeys({}, 1)).to.throw(IllegalArgumentError, /object \(Object\)/);
    expect(() => compareKeys(1, undefined)).to.throw(IllegalArgumentError, /undefined/);
    expect(() => compareKeys(undefined, undefined)).to.throw(IllegalArgumentError, /undefined/);
    expect(() => compareKeys([1, {}], [1, 2])).to.throw(IllegalArgumentError, /use a string, number/);
    expect(() => compareKeys(Symbol('x'), 'a')).to.throw(IllegalArgumentError, /symbol/);
  });

  it('descending reverses an ordering', () => {
    expect([3, 1, 2].sort(descending(compareKeys))).to.deep.equal([3, 2, 1]);
    expect(descending(compareKeys)('a', 'b')).to.equal(1);
  });
});
