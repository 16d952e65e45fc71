import { expect } from 'chai';
import { KindlingError } from '@kindling/core';
import { useContext } from './helpers/context.js';
import { numeric, randomInts, randomPairs } from './helpers/data.js';
import { rejection } from './helpers/assertions.js';

/** Data sets: several partition counts, including one partition and more partitions than records. */
const CASES: Array<{ name: string; data: number[]; slices: number }> = [
  { name: '200 ints / 1 partition', data: randomInts(1, 200), slices: 1 },
  { name: '200 ints / 3 partitions', data: randomInts(2, 200), slices: 3 },
  { name: '200 ints / 8 partitions', data: randomInts(3, 200), slices: 8 },
  { name: '5 ints / 8 partitions (empty partitions)', data: randomInts(4, 5), slices: 8 },
  { name: '3 ints / 10 partitions (leading empty partitions)', data: randomInts(5, 3), slices: 10 },
];

describe('actions', function () {
  const fx = useContext({ master: 'local[2]' });

  for (const c of CASES) {
    describe(c.name, function () {
      it('collect returns every record in partition order', async function () {
        expect(await fx.kc.parallelize(c.data, c.slices).collect()).to.deep.equal(c.data);
      });

      it('count counts every record', async function () {
        expect(await fx.kc.parallelize(c.data, c.slices).count()).to.equal(c.data.length);
      });

      it('first returns the first record', async function () {
        expect(await fx.kc.parallelize(c.data, c.slices).first()).to.equal(c.data[0]);
      });

      it('take returns a prefix for n smaller than, equal to and larger than the size', async function () {
        const rdd = fx.kc.parallelize(c.data, c.slices);
        for (const n of [0, 1, 2, Math.floor(c.data.length / 2), c.data.length, c.data.length + 7]) {
          expect(await rdd.take(n), `take(${n})`).to.deep.equal(c.data.slice(0, n));
        }
      });

      it('takeOrdered returns the n smallest in ascending order', async function () {
        const rdd = fx.kc.parallelize(c.data, c.slices);
        for (const n of [1, 4, c.data.length + 3]) {
          expect(await rdd.takeOrdered(n), `takeOrdered(${n})`).to.deep.equal(numeric(c.data).slice(0, n));
        }
      });

      it('takeOrdered with a custom comparator reads its env', async function () {
        const pivot = 17;
        const byDistance = (a: number, b: number) => Math.abs(a - pivot) - Math.abs(b - pivot) || a - b;
        const expected = [...c.data].sort(byDistance).slice(0, 5);
        const got = await fx.kc
          .parallelize(c.data, c.slices)
          .takeOrdered(5, (a, b, env) => Math.abs(a - env.pivot) - Math.abs(b - env.pivot) || a - b, { pivot });
        expect(got).to.deep.equal(expected);
      });

      it('top returns the n largest in descending order', async function () {
        const rdd = fx.kc.parallelize(c.data, c.slices);
        const desc = numeric(c.data).reverse();
        for (const n of [1, 3, c.data.length + 1]) {
          expect(await rdd.top(n), `top(${n})`).to.deep.equal(desc.slice(0, n));
        }
        // A comparator with env: top by absolute value.
        const byAbs = (a: number, b: number) => Math.abs(a) - Math.abs(b) || a - b;
        const expected = [...c.data].sort((a, b) => byAbs(b, a)).slice(0, 4);
        expect(await rdd.top(4, (a, b, env) => env.scale * (Math.abs(a) - Math.abs(b)) || a - b, { scale: 1 })).to.deep.equal(
          expected,
        );
      });

      it('reduce combines every record', async function () {
        const rdd = fx.kc.parallelize(c.data, c.slices);
        expect(await rdd.reduce((a, b) => a + b)).to.equal(c.data.reduce((a, b) => a + b));
        expect(await rdd.reduce((a, b, env) => Math.max(a, b) + env.zero, { zero: 0 })).to.equal(Math.max(...c.data));
      });

      it('fold applies the zero value once per partition and once on the driver, as Spark', async function () {
        const rdd = fx.kc.parallelize(c.data, c.slices);
        const sum = c.data.reduce((a, b) => a + b, 0);
        expect(await rdd.fold(0, (a, b) => a + b)).to.equal(sum);
        expect(await rdd.fold(1, (a, b) => a + b)).to.equal(sum + c.slices + 1);
        expect(await rdd.fold(-Infinity, (a, b) => Math.max(a, b))).to.equal(Math.max(...c.data));
      });

      it('aggregate computes (sum, count) with a mutable zero value that is copied per partition', async function () {
        const rdd = fx.kc.parallelize(c.data, c.slices);
        const zero = { sum: 0, n: 0 };
        const got = await rdd.aggregate(
          zero,
          (acc, x, env) => {
            acc.sum += x * env.weight;
            acc.n += 1;
            return acc;
          },
          (a, b) => ({ sum: a.sum + b.sum, n: a.n + b.n }),
          { weight: 2 },
        );
        expect(got).to.deep.equal({ sum: 2 * c.data.reduce((a, b) => a + b, 0), n: c.data.length });
        expect(zero).to.deep.equal({ sum: 0, n: 0 });
      });

      it('countByValue counts each distinct value', async function () {
        const expected = new Map<number, number>();
        for (const x of c.data.map((v) => v % 7)) expected.set(x, (expected.get(x) ?? 0) + 1);
        const got = await fx.kc
          .parallelize(c.data, c.slices)
          .map((x) => x % 7)
          .countByValue();
        expect(new Map([...got].sort((a, b) => a[0] - b[0]))).to.deep.equal(new Map([...expected].sort((a, b) => a[0] - b[0])));
      });

      it('foreach runs once per record (observed through an accumulator)', async function () {
        const n = fx.kc.accumulator(0);
        const sum = fx.kc.accumulator(0);
        await fx.kc.parallelize(c.data, c.slices).foreach(
          (x, env) => {
            env.n.add(1);
            env.sum.add(x);
          },
          { n, sum },
        );
        expect(n.value).to.equal(c.data.length);
        expect(sum.value).to.equal(c.data.reduce((a, b) => a + b, 0));
      });

      it('foreachPartition runs once per partition with that partition\'s records', async function () {
        const partitions = fx.kc.accumulator(0);
        const records = fx.kc.accumulator(0);
        await fx.kc.parallelize(c.data, c.slices).foreachPartition(
          (it, env) => {
            env.partitions.add(1);
            let k = 0;
            for (const _ of it) k++;
            env.records.add(k);
          },
          { partitions, records },
        );
        expect(partitions.value).to.equal(c.slices);
        expect(records.value).to.equal(c.data.length);
      });
    });
  }

  describe('pair actions', function () {
    for (const slices of [1, 4, 40]) {
      it(`countByKey counts records per key (${slices} partitions)`, async function () {
        const pairs = randomPairs(11 + slices, 300);
        const expected = new Map<string, number>();
        for (const [k] of pairs) expected.set(k, (expected.get(k) ?? 0) + 1);
        const got = await fx.kc.parallelize(pairs, slices).countByKey();
        expect(new Map([...got].sort())).to.deep.equal(new Map([...expected].sort()));
      });
    }

    it('countByKey and countByValue work with tuple keys', async function () {
      const pairs = randomPairs(5, 100).map(([k, v]) => [[k, v % 2], v] as [[string, number], number]);
      const expected = new Map<string, number>();
      for (const [k] of pairs) expected.set(JSON.stringify(k), (expected.get(JSON.stringify(k)) ?? 0) + 1);
      const got = await fx.kc.parallelize(pairs, 3).countByKey();
      const asJson = new Map([...got].map(([k, n]) => [JSON.stringify(k), n] as [string, number]));
      expect(new Map([...asJson].sort())).to.deep.equal(new Map([...expected].sort()));
    });
  });

  describe('empty RDDs', function () {
    it('first() of an empty RDD fails with "empty collection"', async function () {
      const err = await rejection(fx.kc.parallelize([] as number[], 3).first());
      expect(KindlingError.is(err)).to.equal(true);
      expect(err.message).to.equal('empty collection');
    });

    it('reduce() of an empty RDD fails with "empty collection"', async function () {
      const err = await rejection(fx.kc.parallelize([] as number[], 3).reduce((a, b) => a + b));
      expect(err.message).to.equal('empty collection');
      // Also when records are filtered away on the executors.
      const err2 = await rejection(
        fx.kc
          .parallelize([1, 2, 3], 2)
          .filter((x) => x > 10)
          .reduce((a, b) => a + b),
      );
      expect(err2.message).to.equal('empty collection');
    });

    it('other actions return neutral results', async function () {
      const rdd = fx.kc.parallelize([] as number[], 3);
      expect(await rdd.collect()).to.deep.equal([]);
      expect(await rdd.count()).to.equal(0);
      expect(await rdd.take(5)).to.deep.equal([]);
      expect(await rdd.takeOrdered(5)).to.deep.equal([]);
      expect(await rdd.top(5)).to.deep.equal([]);
      expect(await rdd.fold(0, (a, b) => a + b)).to.equal(0);
      expect(await rdd.aggregate(0, (a, b) => a + b, (a, b) => a + b)).to.equal(0);
      expect((await rdd.countByValue()).size).to.equal(0);
    });

    it('take(0) and takeOrdered(0) return nothing', async function () {
      const rdd = fx.kc.parallelize([3, 1, 2], 2);
      expect(await rdd.take(0)).to.deep.equal([]);
      expect(await rdd.takeOrdered(0)).to.deep.equal([]);
      expect(await rdd.top(0)).to.deep.equal([]);
    });

    it('take rejects a negative count', async function () {
      const err = await rejection(() => fx.kc.parallelize([1], 1).take(-1));
      expect(err.message).to.match(/non-negative/);
    });
  });
});
