import { expect } from 'chai';
import * as fs from 'node:fs';
import { ClosureCaptureError, type KindlingContext } from '@kindling/core';
import { typedModule, type FsModule } from './helpers/modules.js';
import { useContext, useTempDir } from './helpers/context.js';
import { randomInts, randomPairs } from './helpers/data.js';
import { rejection } from './helpers/assertions.js';
import { record } from './helpers/listener-recorder.js';

describe('shared variables', function () {
  describe('on local[2]', function () {
    const fx = useContext({ master: 'local[2]' });

    it('a broadcast value is read through env.<name>.value in tasks', async function () {
      const table: Record<string, number> = {};
      for (let i = 0; i < 50; i++) table[`k${i}`] = i * i;
      const b = fx.kc.broadcast(table);
      expect(b.value).to.equal(table);
      const pairs = randomPairs(12, 200, 60);
      const got = await fx.kc
        .parallelize(pairs, 4)
        .map(([k, v], env) => [k, v, env.b.value[k] ?? null], { b })
        .collect();
      expect(got).to.deep.equal(pairs.map(([k, v]) => [k, v, table[k] ?? null]));
    });

    it('one broadcast serves several functions, stages and jobs', async function () {
      const offsets = fx.kc.broadcast({ add: 7, mul: 3 });
      const data = randomInts(13, 100);
      const rdd = fx.kc
        .parallelize(data, 3)
        .map((x, env) => x * env.o.value.mul, { o: offsets })
        .keyBy((x) => Math.abs(x) % 4)
        .reduceByKey((a, b, env) => a + b + 0 * env.o.value.add, 2, { o: offsets })
        .mapValues((v, env) => v + env.o.value.add, { o: offsets });
      const expected = new Map<number, number>();
      for (const x of data.map((v) => v * 3)) expected.set(Math.abs(x) % 4, (expected.get(Math.abs(x) % 4) ?? 0) + x);
      for (const [k, v] of expected) expected.set(k, v + 7);
      for (let i = 0; i < 2; i++) {
        const got = await rdd.collect();
        expect(new Map(got.sort((a, b) => a[0] - b[0]))).to.deep.equal(new Map([...expected].sort((a, b) => a[0] - b[0])));
      }
    });

    it('a destroyed broadcast cannot be used by new jobs', async function () {
      const b = fx.kc.broadcast([1, 2, 3]);
      expect(await fx.kc.parallelize([0, 1, 2], 1).map((i, env) => env.b.value[i], { b }).collect()).to.deep.equal([1, 2, 3]);
      await b.destroy();
      expect(() => b.value).to.throw(/destroyed/);
      const err = await rejection(async () => fx.kc.parallelize([0], 1).map((i, env) => env.b.value[i], { b }).collect());
      expect(err.message).to.match(/destroyed/);
    });

    it('accumulators count across tasks; the driver may add too', async function () {
      const data = randomInts(14, 500);
      const evens = fx.kc.accumulator(0);
      const total = fx.kc.accumulator(0);
      const kept = await fx.kc
        .parallelize(data, 6)
        .filter(
          (x, env) => {
            env.total.add(x);
            if (x % 2 === 0) env.evens.add(1);
            return x > 0;
          },
          { evens, total },
        )
        .count();
      expect(kept).to.equal(data.filter((x) => x > 0).length);
      expect(evens.value).to.equal(data.filter((x) => x % 2 === 0).length);
      expect(total.value).to.equal(data.reduce((a, b) => a + b, 0));
      evens.add(1000);
      expect(evens.value).to.equal(data.filter((x) => x % 2 === 0).length + 1000);
    });

    it('custom merge functions: max, list concatenation and per-key counts', async function () {
      const data = randomInts(15, 300);
      const max = fx.kc.accumulator(-Infinity, (a, b) => Math.max(a, b));
      const negatives = fx.kc.accumulator([] as number[], (a, b) => a.concat(b));
      const histogram = fx.kc.accumulator({} as Record<string, number>, (a, b) => {
        const out = { ...a };
        for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
        return out;
      });
      await fx.kc.parallelize(data, 5).foreach(
        (x, env) => {
          env.max.add(x);
          if (x < 0) env.negatives.add([x]);
          env.histogram.add({ [String(Math.abs(x) % 3)]: 1 });
        },
        { max, negatives, histogram },
      );
      expect(max.value).to.equal(Math.max(...data));
      expect([...negatives.value].sort((a, b) => a - b)).to.deep.equal(data.filter((x) => x < 0).sort((a, b) => a - b));
      const expectedHist: Record<string, number> = {};
      for (const x of data) expectedHist[String(Math.abs(x) % 3)] = (expectedHist[String(Math.abs(x) % 3)] ?? 0) + 1;
      expect(histogram.value).to.deep.equal(expectedHist);
    });

    it('a merge function that captures outer variables is rejected', function () {
      const base = 10;
      expect(() => fx.kc.accumulator(0, (a, b) => a + b + base)).to.throw(ClosureCaptureError, /base/);
    });

    it('updates in a reused shuffle map stage are not counted again', async function () {
      const seen = fx.kc.accumulator(0);
      const pairs = randomPairs(16, 120, 9);
      const reduced = fx.kc
        .parallelize(pairs, 4)
        .map(
          (kv, env) => {
            env.seen.add(1);
            return kv;
          },
          { seen },
        )
        .reduceByKey((a, b) => a + b, 3);
      await reduced.collect();
      await reduced.count();
      await reduced.mapValues((v) => -v).collect();
      expect(seen.value).to.equal(pairs.length);
    });
  });

  describe('on local[2,4] with task attempts that fail once', function () {
    const fx = useContext({ master: 'local[2,4]' });
    const tmp = useTempDir('kindling-acc-');

    /** Partitions listed in env.failing throw once, after adding to the accumulator for some records. */
    function flaky(kc: KindlingContext, data: number[], slices: number, markers: string, failing: number[]) {
      const counted = kc.accumulator(0);
      const sum = kc.accumulator(0);
      const rdd = kc.parallelize(data, slices).mapPartitionsWithIndex(
        function* (i, it, env) {
          let n = 0;
          for (const x of it) {
            env.counted.add(1);
            env.sum.add(x);
            if (env.failing.includes(i) && ++n === 5) {
              const marker = `${env.dir}/${i}`;
              if (!env.fs.existsSync(marker)) {
                env.fs.writeFileSync(marker, '');
                throw new Error(`attempt 0 of partition ${i} fails`);
              }
            }
            yield x;
          }
        },
        { counted, sum, dir: markers, failing, fs: typedModule<FsModule>('node:fs') },
      );
      return { rdd, counted, sum };
    }

    it('the accumulator counts each partition once, not once per attempt', async function () {
      const markers = tmp.sub('markers');
      fs.mkdirSync(markers);
      const data = randomInts(17, 400);
      const { rdd, counted, sum } = flaky(fx.kc, data, 6, markers, [0, 3, 5]);
      const { result, rec } = await record(fx.kc, () => rdd.count());
      expect(result).to.equal(data.length);
      expect(rec.tasksEnded.filter((t) => !t.successful).map((t) => t.partition).sort()).to.deep.equal([0, 3, 5]);
      expect(rec.tasksEnded.filter((t) => t.successful)).to.have.length(6);
      expect(counted.value).to.equal(data.length);
      expect(sum.value).to.equal(data.reduce((a, b) => a + b, 0));
    });

    it('also in a shuffle map stage whose tasks are retried', async function () {
      const markers = tmp.sub('markers');
      fs.mkdirSync(markers);
      const data = randomInts(18, 300);
      const { rdd, counted } = flaky(fx.kc, data, 5, markers, [1, 2]);
      const got = await rdd
        .map((x) => [Math.abs(x) % 5, 1] as [number, number])
        .reduceByKey((a, b) => a + b)
        .collect();
      expect(got.reduce((a, [, n]) => a + n, 0)).to.equal(data.length);
      expect(counted.value).to.equal(data.length);
      expect(fs.readdirSync(markers).sort()).to.deep.equal(['1', '2']);
    });
  });
});
