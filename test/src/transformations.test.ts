import { expect } from 'chai';
import { IllegalArgumentError } from '@kindling/core';
import { useContext } from './helpers/context.js';
import { numeric, randomInts, sorted } from './helpers/data.js';
import { record, submittedStageIds } from './helpers/listener-recorder.js';

/** Spark's parallelize slicing, computed independently: slice i = [floor(i*n/s), floor((i+1)*n/s)). */
function slices<T>(data: readonly T[], s: number): T[][] {
  return Array.from({ length: s }, (_, i) => data.slice(Math.floor((i * data.length) / s), Math.floor(((i + 1) * data.length) / s)));
}

const SIZES: Array<{ n: number; slices: number }> = [
  { n: 150, slices: 1 },
  { n: 150, slices: 4 },
  { n: 6, slices: 9 }, // empty partitions
];

describe('transformations', function () {
  const fx = useContext({ master: 'local[2]' });

  for (const { n, slices: s } of SIZES) {
    describe(`${n} records in ${s} partitions`, function () {
      const data = randomInts(100 + n + s, n);

      it('map applies the function to each record, with env', async function () {
        const got = await fx.kc.parallelize(data, s).map((x, env) => x * env.k + 1, { k: 3 }).collect();
        expect(got).to.deep.equal(data.map((x) => x * 3 + 1));
      });

      it('filter keeps matching records in order', async function () {
        const got = await fx.kc.parallelize(data, s).filter((x, env) => x % env.m === 0, { m: 3 }).collect();
        expect(got).to.deep.equal(data.filter((x) => x % 3 === 0));
      });

      it('flatMap expands arrays (including empty ones)', async function () {
        const got = await fx.kc
          .parallelize(data, s)
          .flatMap((x) => (x % 2 === 0 ? [x, -x] : []))
          .collect();
        expect(got).to.deep.equal(data.flatMap((x) => (x % 2 === 0 ? [x, -x] : [])));
      });

      it('flatMap expands generators and other iterables', async function () {
        const got = await fx.kc
          .parallelize(data, s)
          .flatMap(function* (x, env) {
            for (let i = 0; i < Math.abs(x) % env.max; i++) yield `${x}:${i}`;
          }, { max: 4 })
          .collect();
        const expected = data.flatMap((x) => Array.from({ length: Math.abs(x) % 4 }, (_, i) => `${x}:${i}`));
        expect(got).to.deep.equal(expected);
        const viaSet = await fx.kc.parallelize(data, s).flatMap((x) => new Set([x, x, x + 1])).collect();
        expect(viaSet).to.deep.equal(data.flatMap((x) => [x, x + 1]));
      });

      it('mapPartitions sees each partition once (arrays and generators)', async function () {
        const sums = await fx.kc
          .parallelize(data, s)
          .mapPartitions((it) => {
            let sum = 0;
            let count = 0;
            for (const x of it) {
              sum += x;
              count++;
            }
            return [[sum, count]];
          })
          .collect();
        expect(sums).to.deep.equal(slices(data, s).map((p) => [p.reduce((a, b) => a + b, 0), p.length]));
        const doubled = await fx.kc
          .parallelize(data, s)
          .mapPartitions(function* (it, env) {
            for (const x of it) yield x * env.f;
          }, { f: 2 })
          .collect();
        expect(doubled).to.deep.equal(data.map((x) => x * 2));
      });

      it('mapPartitionsWithIndex passes the partition index', async function () {
        const got = await fx.kc
          .parallelize(data, s)
          .mapPartitionsWithIndex(function* (i, it) {
            for (const x of it) yield [i, x];
          })
          .collect();
        expect(got).to.deep.equal(slices(data, s).flatMap((p, i) => p.map((x) => [i, x])));
      });

      it('keyBy, keys and values', async function () {
        const keyed = fx.kc.parallelize(data, s).keyBy((x, env) => x % env.m, { m: 5 });
        expect(await keyed.collect()).to.deep.equal(data.map((x) => [x % 5, x]));
        expect(await keyed.keys().collect()).to.deep.equal(data.map((x) => x % 5));
        expect(await keyed.values().collect()).to.deep.equal(data);
      });

      it('mapValues and flatMapValues keep keys', async function () {
        const pairs = data.map((x) => [`k${Math.abs(x) % 4}`, x] as [string, number]);
        const rdd = fx.kc.parallelize(pairs, s);
        expect(await rdd.mapValues((v, env) => v + env.d, { d: 10 }).collect()).to.deep.equal(
          pairs.map(([k, v]) => [k, v + 10]),
        );
        expect(await rdd.flatMapValues((v) => (v > 0 ? [v, v * 2] : [])).collect()).to.deep.equal(
          pairs.flatMap(([k, v]) => (v > 0 ? [[k, v], [k, v * 2]] : [])),
        );
        expect(
          await rdd
            .flatMapValues(function* (v) {
              yield v;
            })
            .collect(),
        ).to.deep.equal(pairs);
      });

      it('union concatenates both inputs and adds their partitions', async function () {
        const other = randomInts(7, 20);
        const u = fx.kc.parallelize(data, s).union(fx.kc.parallelize(other, 2));
        expect(u.getNumPartitions()).to.equal(s + 2);
        expect(await u.collect()).to.deep.equal([...data, ...other]);
        expect(await u.count()).to.equal(data.length + other.length);
      });

      it('distinct removes duplicates', async function () {
        const withDups = [...data, ...data.slice(0, 10), ...data.slice(0, 3)];
        const got = await fx.kc.parallelize(withDups, s).distinct().collect();
        expect(numeric(got)).to.deep.equal(numeric([...new Set(withDups)]));
        const d3 = fx.kc.parallelize(withDups, s).distinct(3);
        expect(d3.getNumPartitions()).to.equal(3);
        expect(numeric(await d3.collect())).to.deep.equal(numeric([...new Set(withDups)]));
      });

      it('repartition preserves content and sets the partition count', async function () {
        for (const target of [1, 3, 7]) {
          const r = fx.kc.parallelize(data, s).repartition(target);
          expect(r.getNumPartitions()).to.equal(target);
          expect(numeric(await r.collect())).to.deep.equal(numeric(data));
          expect(await r.count()).to.equal(data.length);
        }
      });

      it('coalesce to fewer partitions keeps order and content without a shuffle', async function () {
        const target = Math.max(1, Math.floor(s / 2));
        const c = fx.kc.parallelize(data, s).coalesce(target);
        expect(c.getNumPartitions()).to.equal(target);
        const { result, rec } = await record(fx.kc, () => c.collect());
        expect(result).to.deep.equal(data);
        expect(rec.jobsStarted[0]!.stageIds).to.have.length(1);
        expect(submittedStageIds(rec)).to.have.length(1);
        expect(rec.tasksEnded).to.have.length(target);
        expect(c.toDebugString()).to.not.include('+-(');
      });
    });
  }

  describe('repartition', function () {
    it('spreads records roughly evenly and adds one shuffle', async function () {
      const data = randomInts(21, 1000);
      const r = fx.kc.parallelize(data, 2).repartition(5);
      const sizes = await r.mapPartitions((it) => [Array.from(it).length]).collect();
      expect(sizes).to.have.length(5);
      expect(sizes.reduce((a, b) => a + b, 0)).to.equal(1000);
      for (const size of sizes) expect(size).to.be.within(150, 250);
      const { rec } = await record(fx.kc, () => fx.kc.parallelize(data, 2).repartition(5).count());
      expect(rec.jobsStarted[0]!.stageIds).to.have.length(2);
    });

    it('coalesce to more partitions without shuffle keeps the current count; with shuffle it grows', async function () {
      const data = randomInts(22, 40);
      expect(fx.kc.parallelize(data, 3).coalesce(10).getNumPartitions()).to.equal(3);
      const grown = fx.kc.parallelize(data, 3).coalesce(10, true);
      expect(grown.getNumPartitions()).to.equal(10);
      expect(numeric(await grown.collect())).to.deep.equal(numeric(data));
    });

    it('rejects non-positive partition counts', function () {
      const rdd = fx.kc.parallelize([1, 2, 3], 2);
      expect(() => rdd.repartition(0)).to.throw(IllegalArgumentError);
      expect(() => rdd.coalesce(-1)).to.throw(IllegalArgumentError);
    });
  });

  describe('sample', function () {
    const data = Array.from({ length: 2000 }, (_, i) => i);

    it('rejects fractions out of bounds', function () {
      const rdd = fx.kc.parallelize(data, 4);
      expect(() => rdd.sample(false, 1.5, 1)).to.throw(IllegalArgumentError, /\[0, 1\]/);
      expect(() => rdd.sample(false, -0.1, 1)).to.throw(IllegalArgumentError);
      expect(() => rdd.sample(true, -1, 1)).to.throw(IllegalArgumentError, />= 0/);
      expect(() => rdd.sample(true, 2, 1)).to.not.throw();
    });

    it('fraction 0 gives nothing and fraction 1 without replacement gives everything', async function () {
      const rdd = fx.kc.parallelize(data, 4);
      expect(await rdd.sample(false, 0, 3).count()).to.equal(0);
      expect(await rdd.sample(false, 1, 3).collect()).to.deep.equal(data);
    });

    it('without replacement: an ordered subset of about fraction * n records', async function () {
      for (const seed of [1, 2, 3]) {
        const got = await fx.kc.parallelize(data, 4).sample(false, 0.3, seed).collect();
        expect(got.length, `seed ${seed}`).to.be.within(500, 700);
        expect(new Set(got).size).to.equal(got.length);
        for (let i = 1; i < got.length; i++) expect(got[i]!).to.be.greaterThan(got[i - 1]!);
        for (const x of got) expect(x).to.be.within(0, 1999);
      }
    });

    it('with replacement: about fraction * n records drawn from the input, duplicates allowed', async function () {
      const got = await fx.kc.parallelize(data, 4).sample(true, 1.5, 9).collect();
      expect(got.length).to.be.within(2700, 3300);
      expect(new Set(got).size).to.be.lessThan(got.length);
      for (const x of got) expect(Number.isInteger(x) && x >= 0 && x < 2000).to.equal(true);
    });

    it('is deterministic for a seed and differs between seeds', async function () {
      const a = await fx.kc.parallelize(data, 4).sample(false, 0.2, 42).collect();
      const b = await fx.kc.parallelize(data, 4).sample(false, 0.2, 42).collect();
      const c = await fx.kc.parallelize(data, 4).sample(false, 0.2, 43).collect();
      expect(a).to.deep.equal(b);
      expect(a).to.not.deep.equal(c);
      // The same sampled RDD evaluated twice gives the same records.
      const s = fx.kc.parallelize(data, 4).sample(true, 0.5, 5);
      expect(await s.collect()).to.deep.equal(await s.collect());
    });
  });

  describe('sortBy', function () {
    const words = randomInts(31, 300).map((x) => `w${x}`);

    it('sorts by a key function, ascending and descending, across partitions', async function () {
      const expectedAsc = [...words].sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
      const asc = await fx.kc
        .parallelize(words, 4)
        .sortBy((w) => [w.length, w])
        .collect();
      expect(asc).to.deep.equal(expectedAsc);
      const desc = fx.kc.parallelize(words, 4).sortBy((w, env) => w.length * env.sign, false, 3, { sign: 1 });
      expect(desc.getNumPartitions()).to.equal(3);
      const got = await desc.collect();
      expect(sorted(got)).to.deep.equal(sorted(words));
      for (let i = 1; i < got.length; i++) expect(got[i]!.length).to.be.at.most(got[i - 1]!.length);
    });

    it('sorts numbers numerically, not as strings', async function () {
      const nums = randomInts(32, 200, -100000, 100000);
      expect(await fx.kc.parallelize(nums, 5).sortBy((x) => x).collect()).to.deep.equal(numeric(nums));
      expect(await fx.kc.parallelize(nums, 5).sortBy((x) => x, false, 2).collect()).to.deep.equal(numeric(nums).reverse());
    });
  });
});
