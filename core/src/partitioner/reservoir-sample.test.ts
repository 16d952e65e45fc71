import { expect } from 'chai';
import { IllegalArgumentError } from '../errors.js';
import { reservoirSample } from './reservoir-sample.js';
import { SeededRandom, seededRandom } from './seeded-random.js';

function* range(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

describe('reservoirSample', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = reservoirSample(range(10000), 20, 42);
    const b = reservoirSample(range(10000), 20, 42);
    const c = reservoirSample(range(10000), 20, 43);
    expect(a).to.deep.equal(b);
    expect(a.sample).to.not.deep.equal(c.sample);
  });

  it('returns min(k, n) distinct items and the full count', () => {
    for (const [n, k] of [[0, 5], [3, 5], [5, 5], [1000, 5], [1000, 0]]) {
      const { sample, count } = reservoirSample(range(n), k, 1);
      expect(count).to.equal(n);
      expect(sample).to.have.length(Math.min(k, n));
      expect(new Set(sample).size).to.equal(sample.length);
      for (const x of sample) expect(x).to.be.within(0, n - 1);
    }
    expect(reservoirSample([1, 2, 3], 5, 1).sample).to.deep.equal([1, 2, 3]);
  });

  it('samples roughly uniformly', () => {
    const hits = new Array<number>(10).fill(0);
    for (let seed = 0; seed < 2000; seed++) {
      for (const x of reservoirSample(range(100), 10, seed).sample) hits[Math.floor(x / 10)]++;
    }
    // 2000 draws of 10 over 10 buckets: 2000 expected each.
    for (const h of hits) expect(h).to.be.within(1700, 2300);
  });

  it('validates k', () => {
    expect(() => reservoirSample([], -1, 1)).to.throw(IllegalArgumentError);
    expect(() => reservoirSample([], 1.5, 1)).to.throw(IllegalArgumentError);
  });
});

describe('SeededRandom', () => {
  it('repeats its stream for a seed', () => {
    const draw = (seed: number) => {
      const r = new SeededRandom(seed);
      return Array.from({ length: 5 }, () => r.nextUint32());
    };
    expect(draw(7)).to.deep.equal(draw(7));
    expect(draw(7)).to.not.deep.equal(draw(8));
    expect(draw(2 ** 40)).to.not.deep.equal(draw(0)); // high bits of large seeds count
    expect(draw(-1)).to.not.deep.equal(draw(2 ** 32 - 1));
  });

  it('has golden outputs, so samples stay the same across versions', () => {
    const r = new SeededRandom(42);
    expect(Array.from({ length: 3 }, () => r.nextUint32())).to.deep.equal(GOLDEN_42);
  });

  it('produces doubles in [0, 1) and bounded ints', () => {
    const r = new SeededRandom(3);
    let sum = 0;
    for (let i = 0; i < 10000; i++) {
      const d = r.nextDouble();
      expect(d).to.be.at.least(0).and.below(1);
      sum += d;
    }
    expect(sum / 10000).to.be.within(0.48, 0.52);
    const counts = new Array<number>(3).fill(0);
    for (let i = 0; i < 9000; i++) counts[r.nextInt(3)]++;
    for (const c of counts) expect(c).to.be.within(2700, 3300);
    expect(() => r.nextInt(0)).to.throw(IllegalArgumentError);
    expect(() => new SeededRandom(NaN)).to.throw(IllegalArgumentError);
  });
});

const GOLDEN_42 = [2816784084, 3710258178, 2040159122];

describe('seededRandom', () => {
  it('is a seeded Math.random replacement', () => {
    const a = seededRandom(5);
    const b = seededRandom(5);
    const xs = Array.from({ length: 4 }, () => a());
    expect(xs).to.deep.equal(Array.from({ length: 4 }, () => b()));
    for (const x of xs) expect(x).to.be.at.least(0).and.below(1);
  });
});
