import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IllegalArgumentError, StorageLevel, type KindlingContext, type RDD } from '@kindling/core';
import { useContext, useTempDir } from './helpers/context.js';
import { randomInts } from './helpers/data.js';
import { record } from './helpers/listener-recorder.js';

const LEVELS = [
  { name: 'cache()', apply: <T>(r: RDD<T>) => r.cache(), level: StorageLevel.MEMORY_ONLY },
  { name: 'MEMORY_ONLY', apply: <T>(r: RDD<T>) => r.persist(StorageLevel.MEMORY_ONLY), level: StorageLevel.MEMORY_ONLY },
  { name: 'MEMORY_AND_DISK', apply: <T>(r: RDD<T>) => r.persist(StorageLevel.MEMORY_AND_DISK), level: StorageLevel.MEMORY_AND_DISK },
  { name: 'DISK_ONLY', apply: <T>(r: RDD<T>) => r.persist(StorageLevel.DISK_ONLY), level: StorageLevel.DISK_ONLY },
];

describe('caching', function () {
  const fx = useContext({ master: 'local[2]' });
  const tmp = useTempDir('kindling-cache-');
  const lines = randomInts(61, 400).map((x, i) => `line ${i} value ${x}`);
  let file: string;

  before(function () {
    file = path.join(tmp.dir, 'input.txt');
    fs.writeFileSync(file, lines.join('\n') + '\n');
  });

  /** A text-file backed pipeline whose evaluations are counted by an accumulator. */
  function counted(kc: KindlingContext) {
    const evaluations = kc.accumulator(0);
    const rdd = kc.textFile(file, 4).map(
      (line, env) => {
        env.evaluations.add(1);
        return line.length;
      },
      { evaluations },
    );
    return { rdd, evaluations };
  }

  for (const l of LEVELS) {
    describe(l.name, function () {
      it('gives the same results as the uncached RDD, and computes each record once', async function () {
        const expected = await fx.kc.textFile(file, 4).map((line) => line.length).collect();
        const { rdd, evaluations } = counted(fx.kc);
        const cached = l.apply(rdd);
        expect(cached).to.equal(rdd);
        expect(cached.storageLevel).to.equal(l.level);
        expect(await cached.collect()).to.deep.equal(expected);
        expect(await cached.collect()).to.deep.equal(expected);
        expect(await cached.map((n) => n * 2).reduce((a, b) => a + b)).to.equal(2 * expected.reduce((a, b) => a + b));
        expect(await cached.count()).to.equal(lines.length);
        expect(evaluations.value).to.equal(lines.length);
        expect(cached.toDebugString()).to.include(`[${l.level.name}]`);
        await cached.unpersist();
      });

      it('runs later tasks PROCESS_LOCAL, where the partitions are cached', async function () {
        const { rdd } = counted(fx.kc);
        const cached = l.apply(rdd);
        const first = await record(fx.kc, () => cached.count());
        // The file's splits prefer the host: the first job runs NODE_LOCAL.
        expect(first.rec.tasksEnded.map((t) => t.locality)).to.deep.equal(['NODE_LOCAL', 'NODE_LOCAL', 'NODE_LOCAL', 'NODE_LOCAL']);
        const second = await record(fx.kc, () => cached.map((n) => n + 1).collect());
        expect(second.rec.tasksEnded).to.have.length(4);
        expect(second.rec.tasksEnded.every((t) => t.locality === 'PROCESS_LOCAL')).to.equal(true);
        await cached.unpersist();
      });
    });
  }

  it('unpersist() drops the blocks: the next job recomputes, at the input\'s locality', async function () {
    const { rdd, evaluations } = counted(fx.kc);
    const cached = rdd.cache();
    const expected = await cached.collect();
    await cached.unpersist();
    expect(cached.storageLevel).to.equal(StorageLevel.NONE);
    const { result, rec } = await record(fx.kc, () => cached.collect());
    expect(result).to.deep.equal(expected);
    expect(evaluations.value).to.equal(2 * lines.length);
    expect(rec.tasksEnded.every((t) => t.locality === 'NODE_LOCAL')).to.equal(true);
    expect(cached.toDebugString()).to.not.include('MEMORY_ONLY');
    // After unpersist a different level may be assigned.
    cached.persist(StorageLevel.DISK_ONLY);
    expect(await cached.collect()).to.deep.equal(expected);
    expect(await cached.collect()).to.deep.equal(expected);
    expect(evaluations.value).to.equal(3 * lines.length);
    await cached.unpersist();
  });

  it('persist() with a different level throws; the same level again is fine', function () {
    const rdd = fx.kc.parallelize([1, 2, 3], 2).cache();
    expect(() => rdd.persist(StorageLevel.MEMORY_AND_DISK)).to.throw(IllegalArgumentError, /Cannot change storage level/);
    expect(() => rdd.persist(StorageLevel.DISK_ONLY)).to.throw(IllegalArgumentError);
    expect(rdd.persist(StorageLevel.MEMORY_ONLY)).to.equal(rdd);
    expect(rdd.cache()).to.equal(rdd);
    expect(rdd.storageLevel).to.equal(StorageLevel.MEMORY_ONLY);
  });

  it('caches RDDs with empty partitions and shuffled RDDs', async function () {
    const evaluations = fx.kc.accumulator(0);
    const data = randomInts(62, 5);
    const sparse = fx.kc
      .parallelize(data, 9)
      .map(
        (x, env) => {
          env.evaluations.add(1);
          return [x % 2, x] as [number, number];
        },
        { evaluations },
      )
      .cache();
    expect(await sparse.count()).to.equal(5);
    const reduced = sparse.reduceByKey((a, b) => a + b, 3).persist(StorageLevel.MEMORY_AND_DISK);
    const sums = new Map<number, number>();
    for (const x of data) sums.set(x % 2, (sums.get(x % 2) ?? 0) + x);
    expect(new Map((await reduced.collect()).sort())).to.deep.equal(new Map([...sums].sort()));
    const { result, rec } = await record(fx.kc, () => reduced.collect());
    expect(new Map(result.sort())).to.deep.equal(new Map([...sums].sort()));
    expect(rec.stagesSubmitted).to.have.length(1);
    expect(rec.tasksEnded.every((t) => t.locality === 'PROCESS_LOCAL')).to.equal(true);
    expect(evaluations.value).to.equal(5);
    await reduced.unpersist();
    await sparse.unpersist();
  });
});
