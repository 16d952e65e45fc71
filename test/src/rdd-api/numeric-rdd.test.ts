import { expect } from 'chai';
import fc from 'fast-check';
import { IllegalArgumentError, KindlingError, StatCounter } from '@kindling/core';
import { rejection } from '../helpers/assertions.js';
import { useContext } from '../helpers/context.js';
import { randomInts } from '../helpers/data.js';
import { MASTERS } from './masters.js';

/** Two-pass textbook statistics, the reference for the one-pass merged StatCounter. */
function naiveStats(xs: number[]) {
  const n = xs.length;
  const mean = n === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / n;
  const m2 = xs.reduce((a, x) => a + (x - mean) ** 2, 0);
  return { n, mean, variance: n === 0 ? NaN : m2 / n, sampleVariance: n <= 1 ? NaN : m2 / (n - 1), max: Math.max(...xs), min: Math.min(...xs) };
}

function close(actual: number, expected: number, what: string): void {
  if (Number.isNaN(expected)) return void expect(actual, what).to.be.NaN;
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).to.be.at.most(1e-9 * Math.max(1, Math.abs(expected)));
}

describe('StatCounter', function () {
  it('matches Spark: empty counter, toString, merge of unequal halves', function () {
    const empty = new StatCounter();
    expect([empty.count, empty.mean, empty.sum, empty.max, empty.min]).to.deep.equal([0, 0, 0, -Infinity, Infinity]);
    expect(empty.variance).to.be.NaN;
    expect(new StatCounter([5]).sampleVariance).to.be.NaN;
    expect(String(new StatCounter([1, 2, 3, 4, 5]))).to.equal('(count: 5, mean: 3.000000, stdev: 1.414214, max: 5.000000, min: 1.000000)');
    const big = new StatCounter(Array.from({ length: 1000 }, (_, i) => i));
    big.merge(new StatCounter([1e6]));
    const all = naiveStats([...Array.from({ length: 1000 }, (_, i) => i), 1e6]);
    close(big.mean, all.mean, 'mean');
    close(big.variance, all.variance, 'variance');
  });

  it('merging any split of a sequence equals the two-pass statistics (property)', function () {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 5 }), (xs, cuts) => {
        const bounds = [...new Set([0, ...cuts.map((c) => c % (xs.length + 1)), xs.length])].sort((a, b) => a - b);
        const merged = new StatCounter();
        for (let i = 1; i < bounds.length; i++) merged.merge(new StatCounter(xs.slice(bounds[i - 1], bounds[i])));
        const want = naiveStats(xs);
        expect(merged.count).to.equal(want.n);
        if (xs.length > 0) {
          expect(Math.abs(merged.mean - want.mean)).to.be.at.most(1e-6);
          expect(Math.abs(merged.variance - want.variance)).to.be.at.most(1e-6 * Math.max(1, want.variance));
          expect([merged.max, merged.min]).to.deep.equal([want.max, want.min]);
        }
      }),
      { numRuns: 200, seed: 1201 },
    );
  });

  it('stays accurate where the sum-of-squares formula cancels (values around 1e9)', function () {
    const xs = Array.from({ length: 10000 }, (_, i) => 1e9 + (i % 10));
    const c = new StatCounter(xs.slice(0, 3000)).merge(new StatCounter(xs.slice(3000)));
    close(c.variance, naiveStats(xs).variance, 'variance');
  });
});

for (const master of MASTERS) {
  describe(`numeric RDDs on ${master}`, function () {
    this.timeout(120000);
    const fx = useContext({ master });

    it('sum, mean, variance, stdev and stats equal the naive statistics; empty RDDs as Spark', async function () {
      const xs = randomInts(31, 500).map((x) => x / 7);
      const rdd = fx.kc.parallelize(xs, 6);
      const want = naiveStats(xs);
      close(await rdd.sum(), xs.reduce((a, b) => a + b, 0), 'sum');
      close(await rdd.mean(), want.mean, 'mean');
      close(await rdd.variance(), want.variance, 'variance');
      close(await rdd.sampleVariance(), want.sampleVariance, 'sampleVariance');
      close(await rdd.stdev(), Math.sqrt(want.variance), 'stdev');
      close(await rdd.sampleStdev(), Math.sqrt(want.sampleVariance), 'sampleStdev');
      close(await rdd.popVariance(), want.variance, "popVariance");
      close(await rdd.popStdev(), Math.sqrt(want.variance), "popStdev");
      const s = await rdd.stats();
      expect(s).to.be.instanceOf(StatCounter);
      expect([s.count, s.max, s.min]).to.deep.equal([500, want.max, want.min]);
      expect(await fx.kc.emptyRDD<number>().sum()).to.equal(0);
      expect((await fx.kc.parallelize([], 3).stats()).count).to.equal(0);
      expect(await fx.kc.parallelize([], 3).variance()).to.be.NaN;
      const bad = await rejection(fx.kc.parallelize(['1' as unknown as number], 1).sum());
      expect(bad.message).to.include('sum() needs an RDD of numbers');
    });

    it('stats() over random partitionings equals the one-process computation (property)', async function () {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 80 }), fc.integer({ min: 1, max: 6 }), async (xs, parts) => {
          const s = await fx.kc.parallelize(xs, parts).stats();
          const want = naiveStats(xs);
          expect(s.count).to.equal(want.n);
          if (xs.length > 0) {
            expect(Math.abs(s.mean - want.mean)).to.be.below(1e-9);
            expect(Math.abs(s.variance - want.variance)).to.be.below(1e-6 * Math.max(1, want.variance));
          }
        }),
        { numRuns: 15, seed: 1202 },
      );
    });

    it('histogram with a bucket count spans min..max evenly; with buckets counts [a, b) and a closed last bucket', async function () {
      const rdd = fx.kc.parallelize([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, NaN], 3);
      const [buckets, counts] = await rdd.filter((x) => !Number.isNaN(x)).histogram(4);
      expect(buckets).to.deep.equal([1, 3.25, 5.5, 7.75, 10]);
      expect(counts).to.deep.equal([3, 2, 2, 3]);
      expect(await rdd.histogram([0, 5, 10])).to.deep.equal([4, 6]);
      expect(await rdd.histogram([2, 4, 6], true)).to.deep.equal([2, 3]);
      expect(await rdd.histogram([-10, 0.5])).to.deep.equal([0]);
      expect(await fx.kc.parallelize([3, 3, 3], 2).histogram(5)).to.deep.equal([[3, 3], [3]]);
      const nan = await rejection(rdd.histogram(2));
      expect(nan).to.be.instanceOf(KindlingError);
      expect(nan.message).to.equal('Histogram on either an empty RDD or RDD containing +/-infinity or NaN');
      await rejection(fx.kc.emptyRDD<number>().histogram(3)).then((e) => expect(e.message).to.include('empty RDD'));
      await rejection(rdd.histogram([1])).then((e) => expect(e).to.be.instanceOf(IllegalArgumentError));
      await rejection(rdd.histogram([3, 1])).then((e) => expect(e.message).to.include('sorted in increasing order'));
    });
  });
}
