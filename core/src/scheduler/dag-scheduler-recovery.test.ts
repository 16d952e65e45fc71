/* DAGScheduler recovery: fetch failures, executor loss and epochs, aborted task sets (harness in dag-scheduler-harness.ts). */
import { expect } from 'chai';
import { JobFailedError, TaskFailedError } from '../errors.js';
import type { ExecutorEvent, JobEndEvent } from '../listener/kindling-listener.js';
import { DAGScheduler } from './dag-scheduler.js';
import type { Task } from './task.js';
import { type Exec, A, B, C, RESUBMIT_MS, tick, sleep, waitFor, Harness, fetchFailed, exception, lost } from './dag-scheduler-harness.test-helper.js';

describe('DAGScheduler recovery', () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness();
  });
  afterEach(() => {
    h.dag.stop();
  });

  describe('fetch failures', () => {
    /** Job over a 3-map -> 2-reduce shuffle with map outputs on A, A, B; returns at the reduce stage. */
    function reduceStageRunning() {
      const job = h.run(h.shuffle(h.parallelize(3), 2));
      h.completeMapStage(h.submitter.find(0, 0), [A, A, B]);
      expect(h.ids()).to.deep.equal(['0.0', '1.0']);
      return { job, reduceTs: h.submitter.find(1, 0) };
    }

    it('fails the reduce attempt, unregisters the output and resubmits the map stage once after 200 ms, then the reduce stage', async () => {
      const { job, reduceTs } = reduceStageRunning();
      const start = Date.now();
      h.fail(reduceTs.tasks[0]!, fetchFailed(0, 0, 0, 'exec-a'), C);

      const failed = h.events.completed(1);
      expect(failed).to.have.length(1);
      expect(failed[0]).to.deep.include({ stageId: 1, attemptId: 0 });
      expect(failed[0]!.failureReason).to.contain('FetchFailed(executor exec-a, shuffleId=0, mapIndex=0, reduceId=0)');
      expect(h.submitter.cancelled.map((c) => c.stageId)).to.deep.equal([1]);
      // That output, and every other output on exec-a, is gone; exec-b's is kept.
      expect(h.tracker.statuses(0).map((s) => s?.executorId)).to.deep.equal([undefined, undefined, 'exec-b']);

      // A burst from the same attempt: no second stage failure, no second cancel.
      h.fail(reduceTs.tasks[1]!, fetchFailed(0, 1, 1, 'exec-a'), C);
      expect(h.events.completed(1)).to.have.length(1);
      expect(h.submitter.cancelled).to.have.length(1);

      await sleep(RESUBMIT_MS / 2);
      // (Only checkable if this machine did not stall past the timeout.)
      if (Date.now() - start < RESUBMIT_MS - 10) expect(h.ids()).to.deep.equal(['0.0', '1.0']);
      const waited = await waitFor(() => h.ids().length > 2, 'the map stage resubmission');
      expect(Date.now() - start).to.be.at.least(RESUBMIT_MS - 10, `resubmitted after ${waited} ms`);
      expect(h.ids()).to.deep.equal(['0.0', '1.0', '0.1']);
      const mapRetry = h.submitter.last();
      expect(mapRetry.tasks.map((t) => [t.kind, t.partition])).to.deep.equal([
        ['shuffle-map', 0],
        ['shuffle-map', 1],
      ]);
      expect(h.events.submitted(0).map((e) => e.attemptId)).to.deep.equal([0, 1]);

      // Exactly one resubmission for the whole burst.
      await sleep(RESUBMIT_MS + 50);
      expect(h.ids()).to.deep.equal(['0.0', '1.0', '0.1']);

      h.completeMapStage(mapRetry, C);
      expect(h.ids()).to.deep.equal(['0.0', '1.0', '0.1', '1.1']);
      const reduceRetry = h.submitter.last();
      expect(h.partitions(reduceRetry)).to.deep.equal([0, 1]);
      expect(h.planOf(reduceRetry).shuffleReads[0]!.map((o) => o?.executorId)).to.deep.equal(['exec-c', 'exec-c', 'exec-b']);
      expect(h.events.submitted(1).map((e) => e.attemptId)).to.deep.equal([0, 1]);
      reduceRetry.tasks.forEach((t) => h.succeed(t, `r${t.partition}`, { exec: C }));
      expect(await job.promise).to.deep.equal(['r0', 'r1']);
    });

    it('re-runs only the reduce partitions that have not finished', async () => {
      const { job, reduceTs } = reduceStageRunning();
      h.succeed(reduceTs.tasks[1]!, 'r1', { exec: B });
      h.fail(reduceTs.tasks[0]!, fetchFailed(0, 2, 0, 'exec-b'), C);
      await waitFor(() => h.ids().length > 2, 'the map stage resubmission');
      expect(h.ids()).to.deep.equal(['0.0', '1.0', '0.1']);
      expect(h.partitions(h.submitter.last())).to.deep.equal([2]);
      h.completeMapStage(h.submitter.last(), C);
      expect(h.partitions(h.submitter.find(1, 1))).to.deep.equal([0]);
      h.succeed(h.submitter.find(1, 1).tasks[0]!, 'r0', { exec: C });
      expect(await job.promise).to.deep.equal(['r0', 'r1']);
    });

    it('a fetch failure arriving while the map stage re-runs does not start another map task set', async () => {
      const { job, reduceTs } = reduceStageRunning();
      h.fail(reduceTs.tasks[0]!, fetchFailed(0, 0, 0, 'exec-a'), C);
      await waitFor(() => h.ids().length > 2, 'the map stage resubmission');
      expect(h.ids()).to.deep.equal(['0.0', '1.0', '0.1']);
      const mapRetry = h.submitter.find(0, 1);
      // exec-a is still alive and re-runs map 0; its new output is registered (newer epoch).
      h.completeMap(mapRetry.tasks[0]!, A);
      // A late failure from the same reduce attempt (it has no newer attempt yet, so it is not
      // stale) names exec-a again: the loss of exec-a was already handled for that epoch, so the
      // fresh output stays.
      h.fail(reduceTs.tasks[1]!, fetchFailed(0, 1, 1, 'exec-a'), C);
      expect(h.tracker.statuses(0)[0]?.executorId).to.equal('exec-a');
      h.completeMap(mapRetry.tasks[1]!, A);
      await waitFor(() => h.ids().includes('1.1'), 'the reduce stage resubmission');
      await sleep(50);
      expect(h.ids()).to.deep.equal(['0.0', '1.0', '0.1', '1.1']);
      expect(h.planOf(h.submitter.last()).shuffleReads[0]!.map((o) => o?.executorId)).to.deep.equal(['exec-a', 'exec-a', 'exec-b']);
      expect(h.events.completed(1).filter((e) => e.failureReason)).to.have.length(1);
      // No extra (empty) attempt of the map stage either.
      expect(h.events.submitted(0).map((e) => e.attemptId)).to.deep.equal([0, 1]);
      h.submitter.find(1, 1).tasks.forEach((t) => h.succeed(t, t.partition, { exec: C }));
      expect(await job.promise).to.deep.equal([0, 1]);
    });

    it('ignores a fetch failure from an older attempt of the stage', async () => {
      const { job, reduceTs } = reduceStageRunning();
      h.fail(reduceTs.tasks[0]!, fetchFailed(0, 0, 0, 'exec-a'), C);
      await waitFor(() => h.ids().length > 2, 'the map stage resubmission');
      h.completeMapStage(h.submitter.last(), C);
      expect(h.ids()).to.deep.equal(['0.0', '1.0', '0.1', '1.1']);
      const completedBefore = h.events.completed(1).length;

      // Attempt 0's other task reports, very late, that it could not read map output 2 on exec-b.
      h.fail(reduceTs.tasks[1]!, fetchFailed(0, 2, 1, 'exec-b'), C);
      expect(h.tracker.statuses(0).map((s) => s?.executorId)).to.deep.equal(['exec-c', 'exec-c', 'exec-b']);
      expect(h.events.completed(1)).to.have.length(completedBefore);
      expect(h.submitter.cancelled).to.have.length(1);
      await sleep(RESUBMIT_MS + 50);
      expect(h.ids()).to.deep.equal(['0.0', '1.0', '0.1', '1.1']);

      h.submitter.last().tasks.forEach((t) => h.succeed(t, t.partition, { exec: C }));
      expect(await job.promise).to.deep.equal([0, 1]);
    });

    it('aborts the job after 4 consecutive fetch-failed attempts of one stage', async () => {
      const job = h.run(h.shuffle(h.parallelize(2), 2));
      h.completeMapStage(h.submitter.find(0, 0), [A, B]);
      for (let attempt = 0; attempt < 4; attempt++) {
        const reduce = h.submitter.find(1, attempt);
        h.fail(reduce.tasks[0]!, fetchFailed(0, 0, 0, 'exec-a'), C);
        if (attempt === 3) break;
        await waitFor(() => h.ids().includes(`0.${attempt + 1}`), `map attempt ${attempt + 1}`);
        await tick();
        expect(job.state).to.equal('pending');
        expect(h.partitions(h.submitter.last())).to.deep.equal([0]);
        h.completeMap(h.submitter.last().tasks[0]!, A);
      }
      await tick();
      expect(job.state).to.equal('rejected');
      expect(job.error).to.be.instanceOf(JobFailedError);
      expect(job.error!.message).to.match(/^Job aborted due to stage failure: ResultStage 1 \(collect at test\) /);
      expect(job.error!.message).to.contain('has failed the maximum allowable number of times: 4');
      expect(job.error!.message).to.contain('FetchFailed(executor exec-a, shuffleId=0, mapIndex=0, reduceId=0)');
      expect(h.ids()).to.deep.equal(['0.0', '1.0', '0.1', '1.1', '0.2', '1.2', '0.3', '1.3']);
      expect(h.events.completed(1).map((e) => [e.attemptId, e.failureReason !== undefined])).to.deep.equal([
        [0, true],
        [1, true],
        [2, true],
        [3, true],
      ]);
      expect(h.events.of<JobEndEvent>('jobEnd').map((e) => e.succeeded)).to.deep.equal([false]);
      // Nothing is resubmitted after the abort.
      await sleep(RESUBMIT_MS + 50);
      expect(h.ids()).to.have.length(8);
    });

    it('does not abort on non-consecutive failures: a successful attempt resets the count', async () => {
      // stage 0: map of shuffle 0; stage 1: reads shuffle 0, map of shuffle 1; stage 2: result.
      const job = h.run(h.shuffle(h.map(h.shuffle(h.parallelize(2), 2)), 2));
      h.completeMapStage(h.submitter.find(0, 0), [A, B]);
      let mapAttempt = 0;
      // Stage 1 fails three times in a row reading shuffle 0...
      for (let attempt = 0; attempt < 3; attempt++) {
        h.fail(h.submitter.find(1, attempt).tasks[0]!, fetchFailed(0, 0, 0, 'exec-a'), C);
        mapAttempt++;
        await waitFor(() => h.ids().includes(`0.${mapAttempt}`), `stage 0 attempt ${mapAttempt}`);
        h.completeMap(h.submitter.last().tasks[0]!, A);
      }
      // ...then succeeds,
      h.completeMapStage(h.submitter.find(1, 3), C);
      expect(h.submitter.last().stageId).to.equal(2);
      // and a later fetch failure of the result stage re-runs stage 1, which fails a fourth time.
      h.fail(h.submitter.find(2, 0).tasks[0]!, fetchFailed(1, 0, 0, 'exec-c'), B);
      await waitFor(() => h.ids().includes('1.4'), 'stage 1 attempt 4');
      expect(h.partitions(h.submitter.find(1, 4))).to.deep.equal([0, 1]);
      h.fail(h.submitter.find(1, 4).tasks[0]!, fetchFailed(0, 0, 0, 'exec-a'), C);
      mapAttempt++;
      await waitFor(() => h.ids().includes(`0.${mapAttempt}`), `stage 0 attempt ${mapAttempt}`);
      await tick();
      expect(job.state).to.equal('pending');

      h.completeMap(h.submitter.last().tasks[0]!, A);
      h.completeMapStage(h.submitter.find(1, 5), C);
      h.submitter.find(2, 1).tasks.forEach((t) => h.succeed(t, t.partition, { exec: C }));
      expect(await job.promise).to.deep.equal([0, 1]);
    });
  });

  describe('executor loss and epochs', () => {
    it('ignores a map output from an executor lost at or after the task epoch, and accepts a newer one', async () => {
      const job = h.run(h.shuffle(h.parallelize(2), 2));
      const mapTs = h.submitter.find(0, 0);
      expect(mapTs.tasks.map((t) => t.epoch)).to.deep.equal([0, 0]);
      h.dag.executorLost('exec-a', 'host-a', lost());
      const epochAfterLoss = h.tracker.epoch;
      expect(epochAfterLoss).to.be.greaterThan(0);

      // A late success from exec-a, launched before the loss: possibly bogus, not registered.
      h.completeMap(mapTs.tasks[0]!, A);
      expect(h.tracker.statuses(0)[0]).to.equal(undefined);
      h.completeMap(mapTs.tasks[1]!, B);
      expect(h.tracker.statuses(0)[1]?.executorId).to.equal('exec-b');

      // The attempt ran out of tasks with an output missing: only that partition runs again.
      expect(h.ids()).to.deep.equal(['0.0', '0.1']);
      const retry = h.submitter.last();
      expect(retry.tasks.map((t) => [t.partition, t.epoch])).to.deep.equal([[0, epochAfterLoss]]);

      // A task launched after the loss is trusted even on the same executor id.
      h.completeMap(retry.tasks[0]!, A);
      expect(h.tracker.statuses(0)[0]?.executorId).to.equal('exec-a');
      expect(h.ids()).to.deep.equal(['0.0', '0.1', '1.0']);
      h.submitter.last().tasks.forEach((t) => h.succeed(t, t.partition));
      expect(await job.promise).to.deep.equal([0, 1]);
    });

    it('trusts an executor again once it is re-added', () => {
      h.run(h.shuffle(h.parallelize(2), 2));
      const mapTs = h.submitter.find(0, 0);
      h.dag.executorLost('exec-a', 'host-a', lost());
      h.dag.executorAdded('exec-a', 'host-a', 2);
      h.completeMapStage(mapTs, A);
      expect(h.tracker.numAvailableOutputs(0)).to.equal(2);
      expect(h.ids()).to.deep.equal(['0.0', '1.0']);
    });

    it('unregisters the lost executor outputs and resubmits only those partitions for a waiting child stage', () => {
      // stage 0: shuffle of a (2 maps), stage 1: shuffle of b (3 maps), stage 2: cogroup result.
      const job = h.run(h.cogroup([h.parallelize(2), h.parallelize(3)], 2));
      expect(h.ids()).to.deep.equal(['0.0', '1.0']);
      h.completeMapStage(h.submitter.find(0, 0), [A, B]);
      h.completeMap(h.submitter.find(1, 0).tasks[0]!, B);

      h.dag.executorLost('exec-a', 'host-a', lost('exec-a exited'));
      expect(h.tracker.statuses(0).map((s) => s?.executorId)).to.deep.equal([undefined, 'exec-b']);
      expect(h.tracker.statuses(1).map((s) => s?.executorId)).to.deep.equal(['exec-b', undefined, undefined]);
      expect(h.events.of<ExecutorEvent>('executorRemoved').map((e) => [e.executorId, e.reason])).to.deep.equal([['exec-a', 'exec-a exited']]);
      expect(h.ids()).to.deep.equal(['0.0', '1.0', '0.1']);
      expect(h.partitions(h.submitter.last())).to.deep.equal([0]);
      expect(h.submitter.cancelled).to.deep.equal([]);

      h.completeMap(h.submitter.last().tasks[0]!, C);
      expect(h.ids()).to.deep.equal(['0.0', '1.0', '0.1']);
      const stage1 = h.submitter.find(1, 0);
      h.completeMap(stage1.tasks[1]!, B);
      h.completeMap(stage1.tasks[2]!, C);
      expect(h.ids()).to.deep.equal(['0.0', '1.0', '0.1', '2.0']);
      expect(job.state).to.equal('pending');
    });

    it('removes every output on the host when the whole worker is lost', () => {
      const A2: Exec = ['exec-a2', 'host-a'];
      h.run(h.shuffle(h.parallelize(3), 2));
      h.completeMapStage(h.submitter.find(0, 0), [A, A2, B]);
      h.dag.executorLost('exec-a', 'host-a', { ...lost(), workerLost: true });
      expect(h.tracker.statuses(0).map((s) => s?.executorId)).to.deep.equal([undefined, undefined, 'exec-b']);
    });

    it('with a running child stage, the lost outputs are re-run after the child reports the fetch failure', async () => {
      const { job, reduceTs } = (() => {
        const j = h.run(h.shuffle(h.parallelize(3), 2));
        h.completeMapStage(h.submitter.find(0, 0), [A, B, B]);
        return { job: j, reduceTs: h.submitter.find(1, 0) };
      })();
      h.dag.executorLost('exec-a', 'host-a', lost());
      expect(h.tracker.statuses(0).map((s) => s?.executorId)).to.deep.equal([undefined, 'exec-b', 'exec-b']);
      // The running reduce stage is left alone until its tasks report the missing output.
      expect(h.ids()).to.deep.equal(['0.0', '1.0']);
      h.fail(reduceTs.tasks[0]!, fetchFailed(0, 0, 0, 'exec-a'), C);
      await waitFor(() => h.ids().length > 2, 'the map stage resubmission');
      expect(h.ids()).to.deep.equal(['0.0', '1.0', '0.1']);
      expect(h.partitions(h.submitter.last())).to.deep.equal([0]);
      h.completeMap(h.submitter.last().tasks[0]!, C);
      h.submitter.find(1, 1).tasks.forEach((t) => h.succeed(t, t.partition, { exec: C }));
      expect(await job.promise).to.deep.equal([0, 1]);
    });

    it("a 'resubmitted' task end puts the partition back into the map stage's pending set", () => {
      h.run(h.shuffle(h.parallelize(2), 2));
      const mapTs = h.submitter.find(0, 0);
      h.completeMap(mapTs.tasks[0]!, A);
      // The task set manager re-queues the finished task (its executor died).
      h.fail(mapTs.tasks[0]!, { kind: 'resubmitted' }, A);
      h.completeMap(mapTs.tasks[1]!, B);
      // Both partitions reported success once, but partition 0 is pending again: no reduce stage yet.
      expect(h.ids()).to.deep.equal(['0.0']);
      h.completeMap(mapTs.tasks[0]!, C, { attemptNumber: 1 });
      expect(h.ids()).to.deep.equal(['0.0', '1.0']);
      expect(h.tracker.statuses(0)[0]?.executorId).to.equal('exec-c');
    });
  });

  describe('aborted task sets', () => {
    it('fails the job with the last task exception as cause and cancels its independent stages', async () => {
      const job = h.run(h.cogroup([h.parallelize(2), h.parallelize(2)], 2));
      expect(h.ids()).to.deep.equal(['0.0', '1.0']);
      const stage0 = h.submitter.find(0, 0);
      h.fail(stage0.tasks[1]!, exception('first'));
      h.fail(stage0.tasks[1]!, exception('index out of range'));
      const reason = 'Task 1 in stage 0.0 failed 4 times, most recent failure: RangeError: index out of range';
      h.dag.taskSetFailed(stage0, reason);
      await tick();

      expect(job.state).to.equal('rejected');
      expect(job.error).to.be.instanceOf(JobFailedError);
      expect(job.error!.message).to.equal(`Job aborted due to stage failure: ${reason}`);
      const cause = (job.error as Error & { cause?: unknown }).cause;
      expect(cause).to.be.instanceOf(TaskFailedError);
      expect((cause as TaskFailedError).message).to.equal('index out of range');
      expect((cause as TaskFailedError).remoteName).to.equal('RangeError');
      expect((cause as TaskFailedError).remoteStack).to.contain('userFn (app.ts:3)');

      // Stage 1 only served this job: its tasks are cancelled. The result stage never ran.
      expect(h.submitter.cancelled.map((c) => c.stageId)).to.deep.equal([1]);
      expect(h.events.completed().map((e) => [e.stageId, e.failureReason])).to.deep.equal([
        [0, reason],
        [1, `Job aborted due to stage failure: ${reason}`],
      ]);
      expect(h.events.of<JobEndEvent>('jobEnd')).to.have.length(1);
      expect(h.events.of<JobEndEvent>('jobEnd')[0]).to.deep.include({ jobId: 0, succeeded: false });

      // Late results of the cancelled stage change nothing.
      h.completeMapStage(h.submitter.find(1, 0), B);
      expect(h.ids()).to.deep.equal(['0.0', '1.0']);
    });

    it('fails every job using the aborted stage and cancels stages only the failed jobs need', async () => {
      const shuffled = h.shuffle(h.parallelize(2), 2);
      const job0 = h.run(h.map(shuffled)); // stage 0 (shuffle 0), stage 1 (result)
      // Co-partitioned with `shuffled`: reads it narrowly, plus a new shuffle (stage 2), result stage 3.
      const job1 = h.run(h.cogroup([shuffled, h.parallelize(3)], 2));
      expect(h.ids()).to.deep.equal(['0.0', '2.0']);
      h.dag.taskSetFailed(h.submitter.find(0, 0), 'Task 0 in stage 0.0 failed 4 times');
      await tick();
      for (const job of [job0, job1]) {
        expect(job.state).to.equal('rejected');
        expect(job.error!.message).to.equal('Job aborted due to stage failure: Task 0 in stage 0.0 failed 4 times');
        expect((job.error as Error & { cause?: unknown }).cause).to.equal(undefined);
      }
      expect(h.submitter.cancelled.map((c) => c.stageId)).to.deep.equal([2]);
    });

    it('does not report a task exception from an earlier, successful run of the stage as the cause', async () => {
      const shuffled = h.shuffle(h.parallelize(2), 2);
      const first = h.run(shuffled);
      const mapTs = h.submitter.find(0, 0);
      h.fail(mapTs.tasks[0]!, exception('transient'));
      h.completeMapStage(mapTs, [A, B]);
      h.submitter.find(1, 0).tasks.forEach((t) => h.succeed(t, t.partition));
      await first.promise;

      h.dag.executorLost('exec-a', 'host-a', lost());
      const second = h.run(shuffled);
      const retry = h.submitter.find(0, 1);
      h.fail(retry.tasks[0]!, { kind: 'result-lost', message: 'result too large' });
      h.dag.taskSetFailed(retry, 'Task 0 in stage 0.1 failed 1 times, most recent failure: TaskResultLost (result too large)');
      await tick();
      expect(second.state).to.equal('rejected');
      expect((second.error as Error & { cause?: unknown }).cause).to.equal(undefined);
    });
  });

});
