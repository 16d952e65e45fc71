import { expect } from 'chai';
import { HashPartitioner, IllegalArgumentError, JobFailedError, KindlingError, PipeFailedError } from '@kindling/core';
import { rejection } from '../helpers/assertions.js';
import { useContext } from '../helpers/context.js';
import { randomInts, randomPairs } from '../helpers/data.js';
import { record } from '../helpers/listener-recorder.js';
import { asMultiset, MASTERS } from './masters.js';

for (const master of MASTERS) {
  describe(`RDD actions on ${master}`, function () {
    this.timeout(120000);
    const fx = useContext({ master });
    const data = randomInts(21, 50);

    it('isEmpty, max and min, as Spark (empty collections reject)', async function () {
      expect(await fx.kc.parallelize(data, 3).isEmpty()).to.equal(false);
      expect(await fx.kc.emptyRDD().isEmpty()).to.equal(true);
      expect(await fx.kc.parallelize(data, 5).filter(() => false).isEmpty()).to.equal(true);
      expect(await fx.kc.parallelize(data, 3).max()).to.equal(Math.max(...data));
      expect(await fx.kc.parallelize(data, 3).min()).to.equal(Math.min(...data));
      expect(await fx.kc.parallelize(['pear', 'fig', 'banana'], 2).max((a, b) => a.length - b.length)).to.equal('banana');
      const err = await rejection(fx.kc.emptyRDD<number>().max());
      expect(err).to.be.instanceOf(KindlingError);
      expect(err.message).to.equal('empty collection');
      expect(await fx.kc.parallelize(data, 3).take(0)).to.deep.equal([]);
    });

    it('collectAsMap keeps the last value per key; lookup reads only the key partition when partitioned', async function () {
      const pairs = randomPairs(22, 80, 9);
      const last = new Map<string, number>();
      for (const [k, v] of pairs) last.set(k, v);
      expect(await fx.kc.parallelize(pairs, 1).collectAsMap()).to.deep.equal(last);
      const rdd = fx.kc.parallelize(pairs, 4);
      expect((await rdd.lookup('k3')).sort()).to.deep.equal(pairs.filter(([k]) => k === 'k3').map(([, v]) => v).sort());
      expect(await rdd.lookup('absent')).to.deep.equal([]);
      const partitioned = rdd.partitionBy(new HashPartitioner(6)).cache();
      await partitioned.count();
      const { result, rec } = await record(fx.kc, () => partitioned.lookup('k5'));
      expect(result.sort()).to.deep.equal(pairs.filter(([k]) => k === 'k5').map(([, v]) => v).sort());
      const resultTasks = rec.tasksEnded.filter((t) => t.stageId === rec.stagesSubmitted[rec.stagesSubmitted.length - 1]!.stageId);
      expect(resultTasks).to.have.length(1);
      expect(resultTasks[0]!.partition).to.equal(new HashPartitioner(6).getPartition('k5'));
      await partitioned.unpersist();
    });

    it('toLocalIterator yields every record in order with one job per partition', async function () {
      const rdd = fx.kc.parallelize(data, 4);
      const { result, rec } = await record(fx.kc, async () => {
        const out: number[] = [];
        for await (const x of rdd.toLocalIterator()) out.push(x);
        return out;
      });
      expect(result).to.deep.equal(data);
      expect(rec.jobsStarted).to.have.length(4);
      const none: unknown[] = [];
      for await (const x of fx.kc.emptyRDD().toLocalIterator()) none.push(x);
      expect(none).to.deep.equal([]);
    });

    it('takeSample returns exactly num records of the RDD, the same for the same seed', async function () {
      const rdd = fx.kc.parallelize(data.map((x, i) => i), 4);
      const a = await rdd.takeSample(false, 10, 99);
      expect(a).to.have.length(10);
      expect(new Set(a).size).to.equal(10);
      expect(await rdd.takeSample(false, 10, 99)).to.deep.equal(a);
      expect(await rdd.takeSample(false, 10, 100)).to.not.deep.equal(a);
      expect((await rdd.takeSample(false, 500, 1)).sort((p, q) => p - q)).to.deep.equal(data.map((_, i) => i));
      const withRep = await rdd.takeSample(true, 120, 5);
      expect(withRep).to.have.length(120);
      expect(withRep.every((x) => x >= 0 && x < data.length)).to.equal(true);
      expect(await rdd.takeSample(false, 0, 1)).to.deep.equal([]);
      expect(await fx.kc.emptyRDD().takeSample(true, 5, 1)).to.deep.equal([]);
      await rejection(async () => rdd.takeSample(false, -1, 1)).then((e) => expect(e).to.be.instanceOf(IllegalArgumentError));
    });

    it('randomSplit covers the RDD with disjoint, seeded splits in proportion to the weights', async function () {
      const ints = Array.from({ length: 2000 }, (_, i) => i);
      const splits = fx.kc.parallelize(ints, 4).randomSplit([1, 3], 11);
      const [a, b] = await Promise.all(splits.map((s) => s.collect()));
      expect([...a!, ...b!].sort((p, q) => p - q)).to.deep.equal(ints);
      expect(a!.length).to.be.within(400, 600);
      const again = await fx.kc.parallelize(ints, 4).randomSplit([1, 3], 11)[0]!.collect();
      expect(again).to.deep.equal(a);
      expect(() => fx.kc.parallelize(ints, 2).randomSplit([1, -1])).to.throw(IllegalArgumentError, 'Weights must be nonnegative');
      expect(() => fx.kc.parallelize(ints, 2).randomSplit([0, 0])).to.throw(IllegalArgumentError, 'Sum of weights must be positive');
    });

    it('sampleByKey samples each key at its rate; sampleByKeyExact gives exactly ceil(rate * count)', async function () {
      const pairs = randomPairs(23, 3000, 3);
      const rates = new Map([['k0', 0.1], ['k1', 0.5], ['k2', 1]]);
      const count = (rows: Array<[string, number]>, k: string) => rows.filter(([key]) => key === k).length;
      const rdd = fx.kc.parallelize(pairs, 4);
      const approx = await rdd.sampleByKey(false, rates, 3).collect();
      expect(await rdd.sampleByKey(false, rates, 3).collect()).to.deep.equal(approx);
      expect(count(approx, 'k2')).to.equal(count(pairs, 'k2'));
      expect(count(approx, 'k1')).to.be.within(count(pairs, 'k1') * 0.4, count(pairs, 'k1') * 0.6);
      for (const withReplacement of [false, true]) {
        const exact = await rdd.sampleByKeyExact(withReplacement, rates, 8).collect();
        for (const [k, r] of rates) expect(count(exact, k)).to.equal(Math.ceil(r * count(pairs, k)));
        const pool = new Set(pairs.map((p) => JSON.stringify(p)));
        expect(exact.every((p) => pool.has(JSON.stringify(p)))).to.equal(true);
      }
      const missing = await rejection(rdd.sampleByKey(false, { k0: 0.5 }, 1).collect());
      expect(missing).to.be.instanceOf(JobFailedError);
      expect(missing.message).to.include('no sampling fraction for key "k1"');
      expect(() => rdd.sampleByKey(false, { k0: 1.5, k1: 0, k2: 0 })).to.throw(IllegalArgumentError, /\[0, 1\]/);
    });

    it('treeAggregate and treeReduce equal a flat aggregation at every depth; empty RDDs as Spark', async function () {
      const rdd = fx.kc.parallelize(data, 16);
      const total = data.reduce((a, b) => a + b, 0);
      for (const depth of [1, 2, 3]) {
        expect(await rdd.treeAggregate(0, (acc, x, env) => acc + x * env.k, (a, b) => a + b, depth, { k: 2 })).to.equal(2 * total);
        expect(await rdd.treeReduce((a, b) => a + b, depth)).to.equal(total);
      }
      const lists = await rdd.treeAggregate([] as number[], (acc, x) => (acc.push(x), acc), (a, b) => a.concat(b), 2);
      expect([...lists].sort()).to.deep.equal([...data].sort());
      expect(await fx.kc.emptyRDD<number>().treeAggregate(7, (a, x) => a + x, (a, b) => a + b)).to.equal(7);
      expect((await rejection(fx.kc.parallelize([], 3).treeReduce((a, b) => a))).message).to.equal('empty collection');
      await rejection(async () => rdd.treeAggregate(0, (a) => a, (a) => a, 0)).then((e) => expect(e.message).to.include('Depth must be greater than or equal to 1'));
    });

    it('reduceByKeyLocally merges per-partition reductions on the driver, with env', async function () {
      const pairs = randomPairs(24, 200, 11);
      const want = new Map<string, number>();
      for (const [k, v] of pairs) want.set(k, (want.get(k) ?? 0) + v * 3);
      const got = await fx.kc
        .parallelize(pairs, 4)
        .mapValues((v, env) => v * env.k, { k: 3 })
        .reduceByKeyLocally((a, b) => a + b);
      expect(new Map([...got].sort())).to.deep.equal(new Map([...want].sort()));
    });

    it('countApproxDistinct and countApproxDistinctByKey stay within a few relativeSD of the truth', async function () {
      for (const [n, sd] of [[100, 0.05], [5000, 0.05], [20000, 0.01]] as const) {
        const est = await fx.kc.range(0, n, 1, 4).map((x, env) => x % env.m, { m: Math.ceil(n * 0.8) }).countApproxDistinct(sd);
        const truth = Math.ceil(n * 0.8);
        expect(Math.abs(est - truth) / truth, `n=${n}`).to.be.below(4 * sd);
      }
      expect(await fx.kc.emptyRDD().countApproxDistinct()).to.equal(0);
      const rows = Array.from({ length: 6000 }, (_, x) => [x % 3, x % (1000 * ((x % 3) + 1))] as [number, number]);
      const truth = new Map<number, Set<number>>();
      for (const [k, v] of rows) truth.set(k, (truth.get(k) ?? new Set()).add(v));
      const byKey = new Map(await fx.kc.parallelize(rows, 3).countApproxDistinctByKey(0.05, 2).collect());
      expect([...byKey.keys()].sort()).to.deep.equal([0, 1, 2]);
      for (const [k, vs] of truth) expect(Math.abs(byKey.get(k)! - vs.size) / vs.size, `key ${k}`).to.be.below(4 * 0.05);
      // Already partitioned as requested: no shuffle, same estimates.
      const partitioned = fx.kc.parallelize(rows, 3).partitionBy(new HashPartitioner(2));
      const local = partitioned.countApproxDistinctByKey(0.05, new HashPartitioner(2));
      expect(local.dependencies[0]!.type).to.equal('narrow');
      expect(new Map(await local.collect())).to.deep.equal(byKey);
      const tooPrecise = await rejection(fx.kc.range(0, 1).countApproxDistinct(0.00001));
      expect(tooPrecise).to.be.instanceOf(IllegalArgumentError);
      expect(tooPrecise.message).to.equal('accuracy (0.00001) must be greater than 0.000017');
      expect(() => fx.kc.range(0, 1).map((x) => [x, x] as [number, number]).countApproxDistinctByKey(0)).to.throw(IllegalArgumentError);
    });

    it('pipe runs a real process per partition with env, and a non-zero exit fails the job with the command', async function () {
      const rdd = fx.kc.parallelize(['a b', 'c', 'd', 'e'], 2);
      expect(await rdd.pipe('tr a-z A-Z').collect()).to.deep.equal(['A B', 'C', 'D', 'E']);
      expect(await rdd.pipe(['sh', '-c', 'printf "%s:" "$TAG"; wc -l | tr -d " "'], { TAG: 'p' }).collect()).to.deep.equal(['p:2', 'p:2']);
      expect(await fx.kc.parallelize([[1, 'x']], 1).pipe('cat').collect()).to.deep.equal(['(1,x)']);
      const err = await rejection(rdd.pipe(['sh', '-c', 'echo oops >&2; exit 3']).collect());
      expect(err).to.be.instanceOf(JobFailedError);
      expect(err.message).to.include('Subprocess exited with status 3. Command ran: sh -c echo oops >&2; exit 3');
      expect(err.message).to.include('oops');
      const missing = await rejection(rdd.pipe('/nonexistent/kindling-cmd').collect());
      expect(missing.message).to.include('Cannot run program "/nonexistent/kindling-cmd"');
      expect((err as { cause?: Error }).cause?.name).to.equal('TaskFailedError');
      expect(PipeFailedError.name).to.equal('PipeFailedError');
    });

    it('distinct and other operations agree with a naive computation on empty partitions', async function () {
      const sparse = fx.kc.parallelize([3, 3, 1], 6);
      expect((await sparse.distinct().collect()).sort()).to.deep.equal([1, 3]);
      expect(asMultiset(await sparse.glom().collect())).to.have.length(6);
    });
  });
}
