import { expect } from 'chai';
import { JobFailedError, KindlingError } from '@kindling/core';
import { useContext } from './helpers/context.js';
import { randomInts } from './helpers/data.js';
import { record, recordFailure } from './helpers/listener-recorder.js';

const PREFIX = 'Job aborted due to stage failure: ';
const STACK_FRAME = /\n\s+at .+/;

describe('job failure', function () {
  describe('on local[2] (one attempt per task)', function () {
    const fx = useContext({ master: 'local[2]' });

    it('a task that throws fails the job with JobFailedError carrying its message and stack', async function () {
      const { error, rec } = await recordFailure(fx.kc, () =>
        fx.kc
          .parallelize(randomInts(1, 40), 4)
          .map((x, env) => {
            if (x === env.bad) throw new Error(`bad record ${x}`);
            return x;
          }, { bad: randomInts(1, 40)[17]! })
          .collect(),
      );
      expect(error).to.be.instanceOf(JobFailedError);
      expect(KindlingError.isKind(error, 'JobFailedError')).to.equal(true);
      expect(error.message.startsWith(PREFIX), error.message).to.equal(true);
      expect(error.message).to.include(`bad record ${randomInts(1, 40)[17]}`);
      expect(error.message).to.match(STACK_FRAME);
      expect(rec.jobsEnded).to.have.length(1);
      expect(rec.jobsEnded[0]!.succeeded).to.equal(false);
      expect(rec.jobsEnded[0]!.error).to.equal(error.message);
      const failed = rec.tasksEnded.filter((t) => !t.successful && t.endReason === 'exception');
      expect(failed).to.have.length(1);
      expect(failed[0]!.error?.message).to.equal(`bad record ${randomInts(1, 40)[17]}`);
      expect(failed[0]!.error?.stack).to.match(STACK_FRAME);
    });

    it('the failure names the stage and task, as Spark', async function () {
      const { error, rec } = await recordFailure(fx.kc, () =>
        fx.kc
          .parallelize([1, 2, 3, 4], 2)
          .mapPartitionsWithIndex((i, it) => {
            if (i === 1) throw new TypeError('partition one is bad');
            return it;
          })
          .count(),
      );
      const stageId = rec.stagesSubmitted[0]!.stageId;
      expect(error.message).to.match(new RegExp(`Task 1 in stage ${stageId}(\\.0)? failed 1 times?`));
      expect(error.message).to.include('TypeError');
      expect(error.message).to.include('partition one is bad');
      expect(rec.stagesCompleted.some((s) => s.stageId === stageId && s.failureReason !== undefined)).to.equal(true);
    });

    it('errors thrown in shuffle map stages, reduce functions and actions fail the job too', async function () {
      const pairs = randomInts(2, 60).map((x) => [Math.abs(x) % 3, x] as [number, number]);
      const inMap = await recordFailure(fx.kc, () =>
        fx.kc
          .parallelize(pairs, 3)
          .map(([k]) => {
            if (k === 2) throw new Error('map side');
            return [k, 1] as [number, number];
          })
          .reduceByKey((a, b) => a + b)
          .collect(),
      );
      expect(inMap.error.message.startsWith(PREFIX)).to.equal(true);
      expect(inMap.error.message).to.include('map side');
      expect(inMap.rec.tasksStarted.every((t) => t.stageId === inMap.rec.stagesSubmitted[0]!.stageId)).to.equal(true);

      const inReduce = await recordFailure(fx.kc, () =>
        fx.kc
          .parallelize(pairs, 3)
          .reduceByKey(() => {
            throw new RangeError('reduce side');
          })
          .collect(),
      );
      expect(inReduce.error).to.be.instanceOf(JobFailedError);
      expect(inReduce.error.message).to.include('reduce side');

      const inAction = await recordFailure(fx.kc, () =>
        fx.kc.parallelize([1, 2, 3], 1).foreach((x) => {
          if (x === 3) throw new Error('in foreach');
        }),
      );
      expect(inAction.error.message.startsWith(PREFIX)).to.equal(true);
      expect(inAction.error.message).to.include('in foreach');
    });

    it('a thrown non-Error value is reported by its text', async function () {
      const { error } = await recordFailure(fx.kc, () =>
        fx.kc
          .parallelize([1], 1)
          .map(() => {
            throw 'plain string failure';
          })
          .collect(),
      );
      expect(error.message.startsWith(PREFIX)).to.equal(true);
      expect(error.message).to.include('plain string failure');
    });

    it('the context stays usable after failed jobs', async function () {
      const data = randomInts(3, 100);
      expect(await fx.kc.parallelize(data, 4).map((x) => x + 1).collect()).to.deep.equal(data.map((x) => x + 1));
      const sums = new Map<number, number>();
      for (const x of data) sums.set(x % 3, (sums.get(x % 3) ?? 0) + x);
      const got = await fx.kc
        .parallelize(data, 4)
        .keyBy((x) => x % 3)
        .reduceByKey((a, b) => a + b)
        .collect();
      expect(new Map(got.sort((a, b) => a[0] - b[0]))).to.deep.equal(new Map([...sums].sort((a, b) => a[0] - b[0])));
    });

    it('concurrent jobs: one failing does not disturb the other', async function () {
      const data = randomInts(4, 200);
      const ok = fx.kc.parallelize(data, 4).map((x) => x * 2).collect();
      const bad = fx.kc
        .parallelize(data, 4)
        .map(() => {
          throw new Error('concurrent failure');
        })
        .collect();
      const [r1, r2] = await Promise.allSettled([ok, bad]);
      expect(r1.status).to.equal('fulfilled');
      expect((r1 as PromiseFulfilledResult<number[]>).value).to.deep.equal(data.map((x) => x * 2));
      expect(r2.status).to.equal('rejected');
      expect((r2 as PromiseRejectedResult).reason.message).to.include('concurrent failure');
    });
  });

  describe('on local[2,3] (three attempts per task)', function () {
    const fx = useContext({ master: 'local[2,3]' });

    it('the failing task is attempted 3 times before the job fails', async function () {
      const { error, rec } = await recordFailure(fx.kc, () =>
        fx.kc
          .parallelize(Array.from({ length: 30 }, (_, i) => i), 3)
          .mapPartitionsWithIndex((i, it) => {
            if (i === 2) throw new Error('partition 2 always fails');
            return it;
          })
          .collect(),
      );
      expect(error).to.be.instanceOf(JobFailedError);
      expect(error.message.startsWith(PREFIX)).to.equal(true);
      expect(error.message).to.include('partition 2 always fails');
      expect(error.message).to.match(/failed 3 times/);
      const attempts = rec.tasksEnded.filter((t) => t.partition === 2);
      expect(attempts.map((t) => t.attempt)).to.deep.equal([0, 1, 2]);
      expect(attempts.every((t) => !t.successful && t.endReason === 'exception')).to.equal(true);
      expect(rec.tasksStarted.filter((t) => t.partition === 2)).to.have.length(3);
    });

    it('and the context still runs jobs afterwards', async function () {
      const { result, rec } = await record(fx.kc, () => fx.kc.parallelize([1, 2, 3, 4], 2).map((x) => x * 10).collect());
      expect(result).to.deep.equal([10, 20, 30, 40]);
      expect(rec.tasksEnded.every((t) => t.successful && t.attempt === 0)).to.equal(true);
    });
  });
});

describe('kindling.driver.maxResultSize', function () {
  this.timeout(30_000);

  it('fails a job whose results exceed the limit with the sizes, the key and the fix; smaller jobs still run', async () => {
    const { KindlingContext } = await import('@kindling/core');
    const kc = await KindlingContext.create({ master: 'local[2]', conf: { 'kindling.driver.maxResultSize': '64k' } });
    try {
      const big = Array.from({ length: 4000 }, (_, i) => `record-${i}-${'z'.repeat(40)}`);
      const err = await kc
        .parallelize(big, 4)
        .collect()
        .then(
          () => undefined,
          (e: unknown) => e as Error,
        );
      expect(err).to.be.instanceOf(JobFailedError);
      expect(err!.message).to.match(/^Job aborted due to stage failure: Total size of serialized results of \d+ tasks \([\d.]+ KiB, [\d,]+ bytes\) is bigger than kindling\.driver\.maxResultSize \(64\.0 KiB, 65,536 bytes\)/);
      expect(err!.message).to.contain('return less data');
      expect(await kc.parallelize(big, 4).count()).to.equal(4000);
      expect(await kc.parallelize(big, 4).take(3)).to.deep.equal(big.slice(0, 3));
    } finally {
      await kc.stop();
    }
  });
});
