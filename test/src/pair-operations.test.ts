import { expect } from 'chai';
import { HashPartitioner, type Pair } from '@kindling/core';
import { useContext } from './helpers/context.js';
import { randomPairs, seededRandom, sorted } from './helpers/data.js';

type Row = [unknown, unknown];

/** Canonical form of pair results: groups' value arrays sorted, rows sorted. */
function canon(rows: readonly unknown[]): unknown[] {
  return sorted(rows);
}

function byKey<K, V>(pairs: ReadonlyArray<Pair<K, V>>): Map<string, { key: K; values: V[] }> {
  const m = new Map<string, { key: K; values: V[] }>();
  for (const [k, v] of pairs) {
    const id = JSON.stringify(k);
    const g = m.get(id) ?? { key: k, values: [] };
    g.values.push(v);
    m.set(id, g);
  }
  return m;
}

function naiveJoin(a: ReadonlyArray<Row>, b: ReadonlyArray<Row>, how: 'inner' | 'left' | 'right' | 'full'): unknown[] {
  const ga = byKey(a);
  const gb = byKey(b);
  const out: unknown[] = [];
  const keys = new Set([...ga.keys(), ...gb.keys()]);
  for (const id of keys) {
    const va = ga.get(id);
    const vb = gb.get(id);
    const key = (va ?? vb)!.key;
    if (va && vb) for (const v of va.values) for (const w of vb.values) out.push([key, [v, w]]);
    else if (va && (how === 'left' || how === 'full')) for (const v of va.values) out.push([key, [v, null]]);
    else if (vb && (how === 'right' || how === 'full')) for (const w of vb.values) out.push([key, [null, w]]);
  }
  return out;
}

/** Pairs with tuple keys [string, number]. */
function tuplePairs(seed: number, n: number): Array<[[string, number], number]> {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, () => [[`t${Math.floor(rand() * 4)}`, Math.floor(rand() * 3)], Math.floor(rand() * 100)]);
}

/** Spark's parallelize slicing. */
function slices<T>(data: readonly T[], s: number): T[][] {
  return Array.from({ length: s }, (_, i) => data.slice(Math.floor((i * data.length) / s), Math.floor(((i + 1) * data.length) / s)));
}

describe('pair operations', function () {
  const fx = useContext({ master: 'local[2]' });
  const A = randomPairs(101, 240, 23);
  // k0..k2 only in A, k23..k30 only in B.
  const B = randomPairs(202, 120, 31).filter(([k]) => !['k0', 'k1', 'k2'].includes(k));

  for (const layout of [
    { name: '1 and 1 partitions', sa: 1, sb: 1, n: undefined as number | undefined },
    { name: '3 and 5 partitions', sa: 3, sb: 5, n: undefined },
    { name: '4 and 2 partitions into 7', sa: 4, sb: 2, n: 7 },
    { name: '12 partitions (empty ones) into 2', sa: 12, sb: 12, n: 2 },
  ]) {
    describe(layout.name, function () {
      const a = () => fx.kc.parallelize(A, layout.sa);
      const b = () => fx.kc.parallelize(B, layout.sb);

      it('groupByKey gathers every value of a key', async function () {
        const got = await a().groupByKey(layout.n).collect();
        const expected = [...byKey(A).values()].map((g) => [g.key, [...g.values].sort((x, y) => x - y)]);
        expect(canon(got.map(([k, vs]) => [k, [...vs].sort((x, y) => x - y)]))).to.deep.equal(canon(expected));
        if (layout.n) expect(a().groupByKey(layout.n).getNumPartitions()).to.equal(layout.n);
      });

      it('reduceByKey sums values per key', async function () {
        const got = await a().reduceByKey((x, y, env) => x + y + env.extra, layout.n, { extra: 0 }).collect();
        const expected = [...byKey(A).values()].map((g) => [g.key, g.values.reduce((x, y) => x + y)]);
        expect(canon(got)).to.deep.equal(canon(expected));
        expect(new Set(got.map(([k]) => k)).size).to.equal(got.length);
      });

      it('foldByKey folds the zero value in once per key and map partition, as Spark', async function () {
        const got = await a().foldByKey(0, (x, y) => x + y, layout.n).collect();
        const expected = [...byKey(A).values()].map((g) => [g.key, g.values.reduce((x, y) => x + y)]);
        expect(canon(got)).to.deep.equal(canon(expected));
        const withZero = await a().foldByKey(1000, (x, y) => x + y, layout.n).collect();
        const partsWithKey = new Map<string, number>();
        for (const part of slices(A, layout.sa)) for (const k of new Set(part.map(([k]) => k))) partsWithKey.set(k, (partsWithKey.get(k) ?? 0) + 1);
        const expectedZero = [...byKey(A).values()].map((g) => [g.key, g.values.reduce((x, y) => x + y) + 1000 * partsWithKey.get(g.key)!]);
        expect(canon(withZero)).to.deep.equal(canon(expectedZero));
      });

      it('aggregateByKey gives each key its own copy of a mutable zero value', async function () {
        const got = await a()
          .aggregateByKey(
            { sum: 0, n: 0, max: -Infinity },
            (acc, v) => {
              acc.sum += v;
              acc.n += 1;
              acc.max = Math.max(acc.max, v);
              return acc;
            },
            (x, y) => ({ sum: x.sum + y.sum, n: x.n + y.n, max: Math.max(x.max, y.max) }),
            layout.n,
          )
          .collect();
        const expected = [...byKey(A).values()].map((g) => [
          g.key,
          { sum: g.values.reduce((x, y) => x + y), n: g.values.length, max: Math.max(...g.values) },
        ]);
        expect(canon(got)).to.deep.equal(canon(expected));
      });

      it('combineByKey with env builds per-key combiners', async function () {
        const got = await a()
          .combineByKey(
            (v, env) => [v * env.scale],
            (c, v, env) => (c.push(v * env.scale), c),
            (c1, c2) => c1.concat(c2),
            layout.n,
            { scale: 2 },
          )
          .collect();
        const expected = [...byKey(A).values()].map((g) => [g.key, g.values.map((v) => v * 2).sort((x, y) => x - y)]);
        expect(canon(got.map(([k, vs]) => [k, [...vs].sort((x, y) => x - y)]))).to.deep.equal(canon(expected));
      });

      for (const how of ['inner', 'left', 'right', 'full'] as const) {
        it(`${how === 'inner' ? 'join' : `${how}OuterJoin`} matches a nested-loop join (null for a missing side)`, async function () {
          const left = a();
          const right = b();
          const joined =
            how === 'inner'
              ? left.join(right, layout.n)
              : how === 'left'
                ? left.leftOuterJoin(right, layout.n)
                : how === 'right'
                  ? left.rightOuterJoin(right, layout.n)
                  : left.fullOuterJoin(right, layout.n);
          const got = await joined.collect();
          expect(canon(got)).to.deep.equal(canon(naiveJoin(A, B, how)));
          if (how !== 'inner') expect(got.some(([, vw]) => vw[0] === null || vw[1] === null)).to.equal(true);
        });
      }

      it('cogroup lists both sides per key, empty arrays where a side has none', async function () {
        const got = await a().cogroup(b(), layout.n).collect();
        const ga = byKey(A);
        const gb = byKey(B);
        const expected = [...new Set([...ga.keys(), ...gb.keys()])].map((id) => [
          (ga.get(id) ?? gb.get(id))!.key,
          [[...(ga.get(id)?.values ?? [])].sort((x, y) => x - y), [...(gb.get(id)?.values ?? [])].sort((x, y) => x - y)],
        ]);
        const norm = got.map(([k, [vs, ws]]) => [k, [[...vs].sort((x, y) => x - y), [...ws].sort((x, y) => x - y)]]);
        expect(canon(norm)).to.deep.equal(canon(expected));
      });

      it('subtractByKey keeps records whose key is absent from the other side', async function () {
        const bKeys = new Set(B.map(([k]) => k));
        const got = await a().subtractByKey(b(), layout.n).collect();
        expect(canon(got)).to.deep.equal(canon(A.filter(([k]) => !bKeys.has(k))));
      });
    });
  }

  describe('tuple (array) keys', function () {
    const T1 = tuplePairs(7, 150);
    const T2 = tuplePairs(8, 60);

    it('reduceByKey groups equal tuples together', async function () {
      const got = await fx.kc.parallelize(T1, 4).reduceByKey((x, y) => x + y, 3).collect();
      const expected = [...byKey(T1).values()].map((g) => [g.key, g.values.reduce((x, y) => x + y)]);
      expect(canon(got)).to.deep.equal(canon(expected));
    });

    it('join matches equal tuples across RDDs', async function () {
      const got = await fx.kc.parallelize(T1, 3).join(fx.kc.parallelize(T2, 2)).collect();
      expect(canon(got)).to.deep.equal(canon(naiveJoin(T1 as Row[], T2 as Row[], 'inner')));
      const full = await fx.kc.parallelize(T1, 3).fullOuterJoin(fx.kc.parallelize(T2, 2), 5).collect();
      expect(canon(full)).to.deep.equal(canon(naiveJoin(T1 as Row[], T2 as Row[], 'full')));
    });

    it('groupByKey and sortByKey order tuples lexicographically', async function () {
      const got = await fx.kc.parallelize(T1, 4).groupByKey().sortByKey(true, 3).keys().collect();
      const expected = [...byKey(T1).values()]
        .map((g) => g.key)
        .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] - y[1]));
      expect(got).to.deep.equal(expected);
    });
  });

  describe('numeric keys', function () {
    it('reduceByKey treats 1 and "1" as different keys', async function () {
      const data: Array<[number | string, number]> = [
        [1, 1],
        ['1', 10],
        [1, 2],
        ['1', 20],
        [2, 5],
      ];
      const got = await fx.kc.parallelize(data, 2).reduceByKey((x, y) => x + y).collect();
      expect(canon(got)).to.deep.equal(canon([[1, 3], ['1', 30], [2, 5]]));
    });
  });

  describe('sortByKey', function () {
    const pairs = randomPairs(303, 400, 1000).map(([k, v]) => [Number(k.slice(1)) - 500, v] as [number, number]);

    for (const ascending of [true, false]) {
      for (const n of [1, 3, 6]) {
        it(`${ascending ? 'ascending' : 'descending'} into ${n} partitions gives a globally sorted, range-partitioned result`, async function () {
          const rdd = fx.kc.parallelize(pairs, 4).sortByKey(ascending, n);
          expect(rdd.getNumPartitions()).to.equal(n);
          const got = await rdd.collect();
          expect(canon(got)).to.deep.equal(canon(pairs));
          const keys = got.map(([k]) => k);
          const expectedKeys = pairs.map(([k]) => k).sort((x, y) => (ascending ? x - y : y - x));
          expect(keys).to.deep.equal(expectedKeys);
          // Every partition holds a contiguous key range.
          const ranges = await rdd
            .mapPartitionsWithIndex((i, it) => {
              const ks = Array.from(it, (kv) => kv[0]);
              return ks.length ? [[i, ks[0], ks[ks.length - 1], ks.length]] : [];
            })
            .collect();
          for (let i = 1; i < ranges.length; i++) {
            const prevLast = ranges[i - 1]![2] as number;
            const first = ranges[i]![1] as number;
            if (ascending) expect(first).to.be.at.least(prevLast);
            else expect(first).to.be.at.most(prevLast);
          }
          if (n > 1) expect(ranges.length, 'non-empty partitions').to.be.greaterThan(1);
        });
      }
    }

    it('defaults to the parent partition count and sorts strings by code units', async function () {
      const sp = randomPairs(9, 100, 50);
      const rdd = fx.kc.parallelize(sp, 5).sortByKey();
      expect(rdd.getNumPartitions()).to.equal(5);
      const keys = (await rdd.collect()).map(([k]) => k);
      expect(keys).to.deep.equal(sp.map(([k]) => k).sort());
    });
  });

  describe('partitionBy', function () {
    it('places every record in the partition its key hashes to', async function () {
      const p = new HashPartitioner(5);
      const rdd = fx.kc.parallelize(A, 3).partitionBy(p);
      expect(rdd.getNumPartitions()).to.equal(5);
      expect(rdd.partitioner?.equals(p)).to.equal(true);
      const placed = await rdd.mapPartitionsWithIndex((i, it) => Array.from(it, (kv) => [i, kv[0], kv[1]])).collect();
      expect(placed).to.have.length(A.length);
      for (const [i, k] of placed) expect(i, String(k)).to.equal(p.getPartition(k));
      expect(canon(placed.map(([, k, v]) => [k, v]))).to.deep.equal(canon(A));
    });

    it('returns the same RDD when already partitioned by an equal partitioner', function () {
      const rdd = fx.kc.parallelize(A, 3).partitionBy(new HashPartitioner(4));
      expect(rdd.partitionBy(new HashPartitioner(4))).to.equal(rdd);
      expect(rdd.partitionBy(new HashPartitioner(5))).to.not.equal(rdd);
    });
  });

  describe('partitioners and lineage', function () {
    it('getNumPartitions follows the requested counts', function () {
      const base = fx.kc.parallelize(A, 3);
      expect(base.getNumPartitions()).to.equal(3);
      expect(base.reduceByKey((x, y) => x + y).getNumPartitions()).to.equal(3);
      expect(base.reduceByKey((x, y) => x + y, 9).getNumPartitions()).to.equal(9);
      expect(base.join(fx.kc.parallelize(B, 6)).getNumPartitions()).to.equal(6);
      expect(base.map((x) => x).getNumPartitions()).to.equal(3);
    });

    it('mapValues, flatMapValues and filter keep the partitioner; map, flatMap and keys drop it', function () {
      const reduced = fx.kc.parallelize(A, 3).reduceByKey((x, y) => x + y, 4);
      const hp = new HashPartitioner(4);
      expect(reduced.partitioner?.equals(hp)).to.equal(true);
      expect(reduced.mapValues((v) => v + 1).partitioner?.equals(hp)).to.equal(true);
      expect(reduced.flatMapValues((v) => [v]).partitioner?.equals(hp)).to.equal(true);
      expect(reduced.filter(([, v]) => v > 0).partitioner?.equals(hp)).to.equal(true);
      expect(reduced.map((kv) => kv).partitioner).to.equal(undefined);
      expect(reduced.flatMap((kv) => [kv]).partitioner).to.equal(undefined);
      expect(reduced.keys().partitioner).to.equal(undefined);
      expect(fx.kc.parallelize(A, 3).partitioner).to.equal(undefined);
    });

    it('toDebugString marks shuffle boundaries with " +-(" and indents each stage', function () {
      const rdd = fx.kc
        .parallelize(A, 3)
        .map((kv) => kv)
        .reduceByKey((x, y) => x + y, 4)
        .mapValues((v) => [v])
        .groupByKey(2);
      const lines = rdd.toDebugString().split('\n');
      expect(lines[0]).to.match(/^\(2\) ShuffledRDD\[\d+\] at groupByKey at .*pair-operations\.test\.js:\d+ \[\]$/);
      expect(lines[1]).to.match(/^ \+-\(4\) MapPartitionsRDD\[\d+\] at mapValues at /);
      expect(lines[2]).to.match(/^ {4}\| {2}ShuffledRDD\[\d+\] at reduceByKey at /);
      expect(lines[3]).to.match(/^ {4}\+-\(3\) MapPartitionsRDD\[\d+\] at map at /);
      expect(lines[4]).to.match(/^ {7}\| {2}ParallelCollectionRDD\[\d+\] at parallelize at /);
      expect(lines).to.have.length(5);
      expect(fx.kc.parallelize(A, 3).map((x) => x).toDebugString()).to.not.include('+-(');
    });
  });
});
