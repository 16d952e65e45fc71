import { expect } from 'chai';
import { HashPartitioner, IllegalArgumentError, JobFailedError } from '@kindling/core';
import { rejection } from '../helpers/assertions.js';
import { useContext } from '../helpers/context.js';
import { randomInts } from '../helpers/data.js';
import { record } from '../helpers/listener-recorder.js';
import { asMultiset, MASTERS } from './masters.js';

/** Spark's parallelize slicing. */
function slices<T>(data: readonly T[], s: number): T[][] {
  return Array.from({ length: s }, (_, i) => data.slice(Math.floor((i * data.length) / s), Math.floor(((i + 1) * data.length) / s)));
}

for (const master of MASTERS) {
  describe(`RDD structure operations on ${master}`, function () {
    this.timeout(120000);
    const fx = useContext({ master });
    const data = randomInts(12, 40, -20, 20);

    it('glom returns each partition as an array, empty partitions included', async function () {
      expect(await fx.kc.parallelize(data, 4).glom().collect()).to.deep.equal(slices(data, 4));
      expect(await fx.kc.parallelize([1, 2], 4).glom().collect()).to.deep.equal([[], [1], [], [2]]);
      expect(await fx.kc.emptyRDD().glom().collect()).to.deep.equal([]);
    });

    it('zip pairs records position by position and rejects unequal partition counts or sizes', async function () {
      const a = fx.kc.parallelize(data, 3);
      expect(await a.zip(a.map((x) => x * 2)).collect()).to.deep.equal(data.map((x) => [x, x * 2]));
      expect(await fx.kc.emptyRDD<number>().zip(fx.kc.emptyRDD<string>()).collect()).to.deep.equal([]);
      expect(() => a.zip(fx.kc.parallelize(data, 4))).to.throw(IllegalArgumentError, "Can't zip RDDs with unequal numbers of partitions: List(3, 4)");
      const err = await rejection(a.zip(a.filter((x) => x > 0)).collect());
      expect(err).to.be.instanceOf(JobFailedError);
      expect(err.message).to.include('Can only zip RDDs with same number of elements in each partition');
    });

    it('zipPartitions hands the same-index partitions of up to four RDDs to one function, with env', async function () {
      const a = fx.kc.parallelize(data, 3);
      const b = fx.kc.parallelize(['x', 'y', 'z', 'w'], 3);
      const got = await a
        .zipPartitions(b, (xs, ys, env) => [[[...xs].length * env.k, [...ys].join('')]], { k: 10 })
        .collect();
      expect(got).to.deep.equal(slices(data, 3).map((s, i) => [s.length * 10, slices(['x', 'y', 'z', 'w'], 3)[i]!.join('')]));
      const three = await a.zipPartitions(a, a, a, function* (w, x, y, z) {
        const [p, q, r, s] = [[...w], [...x], [...y], [...z]];
        for (let i = 0; i < p.length; i++) yield p[i]! + q[i]! + r[i]! + s[i]!;
      }).collect();
      expect(three).to.deep.equal(data.map((x) => 4 * x));
      expect(() => a.zipPartitions(fx.kc.parallelize([1], 1), (x) => x)).to.throw(IllegalArgumentError, /unequal numbers of partitions/);
    });

    it('zipPartitions checks what the function captures, like every shipped function', async function () {
      const captured = new Map([[1, 2]]);
      const err = await rejection(fx.kc.parallelize([1], 1).zipPartitions(fx.kc.parallelize([1], 1), (a) => [captured.size, ...a]).collect());
      expect(err.message).to.include('captured');
    });

    it('zipWithIndex numbers records in partition order across empty partitions; zipWithUniqueId gives k*n+p', async function () {
      const rdd = fx.kc.parallelize(data, 7).filter((x) => x % 3 !== 0);
      const expected = data.filter((x) => x % 3 !== 0);
      expect(await rdd.zipWithIndex().collect()).to.deep.equal(expected.map((x, i) => [x, i]));
      expect(await fx.kc.parallelize([5], 1).zipWithIndex().collect()).to.deep.equal([[5, 0]]);
      expect(await fx.kc.emptyRDD().zipWithIndex().collect()).to.deep.equal([]);
      const ids = await fx.kc.parallelize(data, 3).zipWithUniqueId().collect();
      const want = slices(data, 3).flatMap((s, p) => s.map((x, k) => [x, k * 3 + p]));
      expect(ids).to.deep.equal(want);
    });

    it('cartesian pairs every record with every other, partition counts multiplied', async function () {
      const a = fx.kc.parallelize([1, 2, 3], 2);
      const b = fx.kc.parallelize(['a', 'b'], 3);
      const c = a.cartesian(b);
      expect(c.getNumPartitions()).to.equal(6);
      expect(asMultiset(await c.collect())).to.deep.equal(asMultiset([1, 2, 3].flatMap((x) => ['a', 'b'].map((y) => [x, y]))));
      expect(await a.cartesian(fx.kc.emptyRDD()).count()).to.equal(0);
      expect(await a.cartesian(a).count()).to.equal(9);
    });

    it('intersection is distinct and symmetric; subtract keeps duplicates of what is left', async function () {
      const xs = randomInts(13, 60, 0, 15);
      const ys = randomInts(14, 40, 5, 25);
      const a = fx.kc.parallelize(xs, 3);
      const b = fx.kc.parallelize(ys, 2);
      const both = [...new Set(xs.filter((x) => ys.includes(x)))].sort((p, q) => p - q);
      expect((await a.intersection(b).collect()).sort((p, q) => p - q)).to.deep.equal(both);
      expect((await b.intersection(a, 5).collect()).sort((p, q) => p - q)).to.deep.equal(both);
      expect(a.subtract(b).getNumPartitions()).to.equal(3);
      expect((await a.subtract(b).collect()).sort((p, q) => p - q)).to.deep.equal(xs.filter((x) => !ys.includes(x)).sort((p, q) => p - q));
      expect(await a.intersection(fx.kc.emptyRDD()).collect()).to.deep.equal([]);
      expect(await fx.kc.emptyRDD<number>().subtract(a).collect()).to.deep.equal([]);
    });

    it('groupBy groups by the function result; groupWith and cogroup take up to three other RDDs', async function () {
      const grouped = new Map(await fx.kc.parallelize(data, 3).groupBy((x, env) => Math.abs(x) % env.m, 2, { m: 4 }).collect());
      for (let k = 0; k < 4; k++) expect((grouped.get(k) ?? []).sort()).to.deep.equal(data.filter((x) => Math.abs(x) % 4 === k).sort());
      const a = fx.kc.parallelize([['a', 1], ['b', 2]] as Array<[string, number]>, 2);
      const b = fx.kc.parallelize([['a', 'x']] as Array<[string, string]>, 1);
      const c = fx.kc.parallelize([['b', true]] as Array<[string, boolean]>, 3);
      const d = fx.kc.parallelize([['c', null]] as Array<[string, null]>, 1);
      const byKey = (rows: Array<[string, unknown]>) => new Map(rows);
      expect(byKey(await a.groupWith(b, c, d).collect())).to.deep.equal(
        new Map([['a', [[1], ['x'], [], []]], ['b', [[2], [], [true], []]], ['c', [[], [], [], [null]]]]),
      );
      const three = a.cogroup(b, c, 4);
      expect(three.getNumPartitions()).to.equal(4);
      expect(byKey(await three.collect())).to.deep.equal(new Map([['a', [[1], ['x'], []]], ['b', [[2], [], [true]]]]));
      expect(byKey(await a.cogroup(b, new HashPartitioner(2)).collect())).to.deep.equal(new Map([['a', [[1], ['x']]], ['b', [[2], []]]]));
      expect(() => (a as any).cogroup(b, c, d, b)).to.throw(IllegalArgumentError, /one to three other RDDs/);
    });

    it('filterByRange keeps keys in [lower, upper] and reads only the overlapping partitions of a sorted RDD', async function () {
      const pairs = randomInts(15, 200, 0, 800).map((k) => [k, `v${k}`] as [number, string]);
      const sorted = fx.kc.parallelize([...pairs, [950, 'boom'] as [number, string]], 4).sortByKey(true, 8);
      // Computing the partition that holds key 950 fails, so the range query must prune it.
      const poisoned = sorted.mapValues((v) => {
        if (v === 'boom') throw new Error('a pruned partition was computed');
        return v;
      });
      expect(poisoned.partitioner).to.equal(sorted.partitioner);
      const got = await poisoned.filterByRange(100, 300).collect();
      expect(got).to.deep.equal(pairs.filter(([k]) => k >= 100 && k <= 300).sort((p, q) => p[0] - q[0]));
      expect(await fx.kc.parallelize(pairs, 3).filterByRange(700, 2000).count()).to.equal(pairs.filter(([k]) => k >= 700).length);
      expect(poisoned.filterByRange(1, 2).partitioner).to.equal(sorted.partitioner);
    });

    it('repartitionAndSortWithinPartitions partitions and sorts by key in one shuffle', async function () {
      const pairs = randomInts(16, 100, 0, 50).map((k, i) => [k, i] as [number, number]);
      const p = new HashPartitioner(3);
      const parts = await fx.kc.parallelize(pairs, 4).repartitionAndSortWithinPartitions(p).glom().collect();
      expect(parts).to.have.length(3);
      parts.forEach((part, i) => {
        for (const [k] of part) expect(p.getPartition(k)).to.equal(i);
        const keys = part.map(([k]) => k);
        expect(keys).to.deep.equal([...keys].sort((a, b) => a - b));
      });
      expect(asMultiset(parts.flat())).to.deep.equal(asMultiset(pairs));
    });

    it('setName names the RDD in toDebugString and in the stage events', async function () {
      const named = fx.kc.parallelize([1, 2, 3], 2).setName('numbers');
      expect(named.name).to.equal('numbers');
      const mapped = named.map((x) => x + 1);
      expect(mapped.toDebugString()).to.match(/\|  numbers ParallelCollectionRDD\[\d+\] at parallelize at /);
      const { rec } = await record(fx.kc, () => mapped.count());
      const infos = rec.stagesSubmitted.flatMap((s) => s.rddInfos ?? []);
      expect(infos.find((i) => i.id === named.id)).to.include({ name: 'numbers', numPartitions: 2 });
      expect(infos.find((i) => i.id === mapped.id)?.parentIds).to.deep.equal([named.id]);
    });
  });
}
