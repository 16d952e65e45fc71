import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { JobCancelledError, KindlingContext, type JobEndEvent, type JobStartEvent, type TaskEvent } from '@kindling/core';
import { sleepingIdentity, waitUntil } from './sleep-task.js';

function record(kc: KindlingContext) {
  const r = { jobsStarted: [] as JobStartEvent[], jobsEnded: [] as JobEndEvent[], started: [] as TaskEvent[], ended: [] as TaskEvent[] };
  kc.addListener({
    onJobStart: (e) => r.jobsStarted.push(e),
    onJobEnd: (e) => r.jobsEnded.push(e),
    onTaskStart: (e) => r.started.push(e),
    onTaskEnd: (e) => r.ended.push(e),
  });
  return r;
}

const rejection = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as Error);

for (const master of ['local[2]', 'local-cluster[2,1,512]']) {
  describe(`cancelling jobs on ${master}`, function () {
    this.timeout(120_000);
    let kc: KindlingContext;
    let tmp: string;
    before(async () => {
      kc = await KindlingContext.create({ master });
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-cancel-'));
    });
    after(async () => {
      await kc?.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('cancelJobGroup kills the running tasks, frees their slots at once, and leaves no output or accumulator update', async () => {
      const r = record(kc);
      const acc = kc.accumulator(0);
      const out = path.join(tmp, 'never');
      const job = kc.withLocalProperties({}, () => {
        kc.setJobGroup('nightly', 'the nightly export', true);
        return kc
          .parallelize([1, 2, 3, 4], 2)
          .map((x: number, env: { acc: typeof acc; ms: number }) => {
            env.acc.add(x);
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, env.ms);
            return x;
          }, { acc, ms: 120_000 })
          .saveAsTextFile(out);
      });
      await waitUntil(() => r.started.length === 2, 'both tasks to start');
      const cancelledAt = Date.now();
      kc.cancelJobGroup('nightly');
      const err = await rejection(job);
      expect(err).to.be.instanceOf(JobCancelledError);
      expect(err!.message).to.match(/^Job \d+ cancelled as part of cancelled job group nightly \(by kc.cancelJobGroup\)/);
      expect((err as JobCancelledError).cancelledBy).to.equal('cancelJobGroup');
      expect((err as JobCancelledError).jobGroup).to.equal('nightly');
      expect(r.jobsStarted[0]!.properties).to.deep.include({ 'kindling.jobGroup.id': 'nightly', 'kindling.job.description': 'the nightly export' });
      expect(r.jobsEnded.map((e) => e.result)).to.deep.equal(['cancelled']);
      // The slots are free now: a job needing both runs at once instead of behind two-minute tasks.
      expect(await kc.parallelize([1, 2, 3, 4], 2).map(sleepingIdentity, { ms: 1 }).count()).to.equal(4);
      expect(Date.now() - cancelledAt).to.be.lessThan(60_000);
      await waitUntil(() => r.ended.filter((t) => t.endReason === 'killed').length === 2, 'both attempts to report KILLED');
      expect(fs.existsSync(out)).to.equal(false);
      expect(acc.value).to.equal(0);
    });

    it('an AbortSignal cancels an action before it starts and while it runs', async () => {
      const r = record(kc);
      const rdd = kc.parallelize([1, 2, 3, 4], 2);
      const before = await rejection(rdd.count({ signal: AbortSignal.abort(new Error('user pressed stop')) }));
      expect(before).to.be.instanceOf(JobCancelledError);
      expect(before!.message).to.equal('Action cancelled before it started by its AbortSignal: user pressed stop');
      expect(r.jobsStarted).to.have.length(0);

      const controller = new AbortController();
      const running = rdd.map(sleepingIdentity, { ms: 120_000 }).collect({ signal: controller.signal });
      await waitUntil(() => r.started.length === 2, 'both tasks to start');
      controller.abort('the request was closed');
      const during = await rejection(running);
      expect(during).to.be.instanceOf(JobCancelledError);
      expect(during!.message).to.match(/^Job \d+ cancelled by its AbortSignal: the request was closed$/);
      expect((during as JobCancelledError).cancelledBy).to.equal('signal');
      // Actions with an env take the options after it; the existing forms still work.
      expect(await rdd.fold(0, (a: number, b: number) => a + b, undefined, { signal: new AbortController().signal })).to.equal(10);
      expect(await rdd.fold(0, (a: number, b: number) => a + b)).to.equal(10);
      expect(await rdd.take(2, { signal: new AbortController().signal })).to.deep.equal([1, 2]);
    });

    it('the RDD API parity actions take the AbortSignal too (numeric, sampling, tree, lookup, toLocalIterator)', async () => {
      const aborted = { signal: AbortSignal.abort(new Error('stop')) };
      const nums = kc.parallelize([1, 2, 3, 4], 2);
      const pairs = kc.parallelize([['a', 1], ['b', 2]] as [string, number][], 2);
      const attempts: Array<Promise<unknown>> = [
        nums.isEmpty(aborted),
        nums.max(undefined, undefined, aborted),
        nums.sum(aborted),
        nums.stats(aborted),
        nums.mean(aborted),
        nums.histogram(2, aborted),
        nums.histogram([0, 2, 4], false, aborted),
        nums.takeSample(false, 2, 1, aborted),
        nums.treeReduce((a: number, b: number) => a + b, 2, undefined, aborted),
        nums.countApproxDistinct(0.05, aborted),
        pairs.collectAsMap(aborted),
        pairs.lookup('a', aborted),
        pairs.reduceByKeyLocally((a: number, b: number) => a + b, undefined, aborted),
      ];
      for (const err of await Promise.all(attempts.map(rejection))) expect(err).to.be.instanceOf(JobCancelledError);
      // With a live signal they run as before.
      expect(await nums.sum({ signal: new AbortController().signal })).to.equal(10);
      expect(await nums.histogram([0, 2, 4], false, { signal: new AbortController().signal })).to.deep.equal([1, 3]);

      // toLocalIterator runs one job per partition: aborting between partitions stops the next job.
      const controller = new AbortController();
      const seen: number[] = [];
      const iterate = (async () => {
        for await (const x of nums.toLocalIterator({ signal: controller.signal })) {
          seen.push(x);
          if (seen.length === 2) controller.abort('enough');
        }
      })();
      const err = await rejection(iterate);
      expect(err).to.be.instanceOf(JobCancelledError);
      expect(seen).to.deep.equal([1, 2]);
    });

    it('cancelAllJobs cancels every active job and says so', async () => {
      const r = record(kc);
      const jobs = [1, 2].map(() => rejection(kc.parallelize([1], 1).map(sleepingIdentity, { ms: 120_000 }).count()));
      await waitUntil(() => r.started.length === 2, 'both jobs to start a task');
      kc.cancelAllJobs();
      for (const err of await Promise.all(jobs)) {
        expect(err).to.be.instanceOf(JobCancelledError);
        expect(err!.message).to.match(/^Job \d+ cancelled because kc.cancelAllJobs\(\) was called$/);
      }
    });
  });
}
