import { expect } from 'chai';
import { KindlingConf } from '../conf/kindling-conf.js';
import { IllegalStateError } from '../errors.js';
import { ManualClock } from '../util/clock.js';
import {
  FakeSchedulerBackend,
  RecordingListener,
  exceptionReason,
  makeTaskSet,
  noPrefs,
  okResult,
} from './fake-scheduler-backend.test-helper.js';
import type { TaskDescription } from './task-description.js';
import type { TaskLocation } from './task-location.js';
import { TaskSchedulerImpl } from './task-scheduler-impl.js';
import type { WorkerOffer } from './worker-offer.js';

interface Setup {
  conf?: Record<string, string | number>;
  maxTaskFailures?: number;
  /** [executorId, host, cores] */
  executors?: Array<[string, string, number]>;
}

function setup(s: Setup = {}) {
  const clock = new ManualClock();
  const sched = new TaskSchedulerImpl(new KindlingConf(s.conf ?? {}), {
    maxTaskFailures: s.maxTaskFailures ?? 4,
    isLocal: false,
    clock,
  });
  const backend = new FakeSchedulerBackend(8);
  const listener = new RecordingListener();
  sched.setBackend(backend);
  sched.setListener(listener);
  for (const [e, h, c] of s.executors ?? [['exec1', 'host1', 1]]) sched.executorAdded(e, h, c);
  return { clock, sched, backend, listener };
}

const offer = (executorId: string, host: string, cores = 1): WorkerOffer => ({ executorId, host, cores });
const finish = (sched: TaskSchedulerImpl, t: TaskDescription) =>
  sched.statusUpdate(t.taskId, { state: 'FINISHED', result: okResult() });

describe('TaskSchedulerImpl', () => {
  it('launches task sets in FIFO order: job id, then stage id', () => {
    const { sched } = setup();
    sched.submitTasks(makeTaskSet({ stageId: 5, priority: 2, prefs: noPrefs(2) }));
    sched.submitTasks(makeTaskSet({ stageId: 3, priority: 0, prefs: noPrefs(2) }));
    sched.submitTasks(makeTaskSet({ stageId: 4, priority: 1, prefs: noPrefs(2) }));
    const launched = sched.resourceOffers([offer('exec1', 'host1', 6)]);
    expect(launched.map((t) => t.jobId)).to.deep.equal([0, 0, 1, 1, 2, 2]);
    expect(launched.map((t) => t.name)).to.deep.equal([
      'task 0.0 in stage 3.0',
      'task 1.0 in stage 3.0',
      'task 0.0 in stage 4.0',
      'task 1.0 in stage 4.0',
      'task 0.0 in stage 5.0',
      'task 1.0 in stage 5.0',
    ]);
    expect(launched.map((t) => t.taskId)).to.deep.equal([0, 1, 2, 3, 4, 5]);
  });

  it('orders stages of one job by stage id and hands out one slot per task (kindling.task.cpus)', () => {
    const { sched, listener } = setup({ conf: { 'kindling.task.cpus': 2 } });
    sched.submitTasks(makeTaskSet({ stageId: 2, prefs: noPrefs(2) }));
    sched.submitTasks(makeTaskSet({ stageId: 1, prefs: noPrefs(2) }));
    const launched = sched.resourceOffers([offer('exec1', 'host1', 5)]);
    expect(launched.map((t) => [t.stageId, t.index])).to.deep.equal([
      [1, 0],
      [1, 1],
    ]);
    expect(listener.started.map((s) => s.info.taskId)).to.deep.equal([0, 1]);
  });

  describe('delay-scheduling timer', () => {
    const local: TaskLocation[] = [{ host: 'host1', executorId: 'exec1' }];
    const conf = { 'kindling.locality.wait.node': 0 };
    const executors: Array<[string, string, number]> = [
      ['exec1', 'host1', 1],
      ['exec2', 'host2', 1],
    ];

    it('resets after a local launch, so a non-local task waits another full period', () => {
      const { sched, clock } = setup({ conf, executors });
      sched.submitTasks(makeTaskSet({ stageId: 0, prefs: [local, local, local] }));
      const [t0] = sched.resourceOffers([offer('exec1', 'host1')], false);
      clock.set(2000);
      finish(sched, t0!);
      expect(sched.resourceOffers([offer('exec1', 'host1')], false).map((t) => t.index)).to.deep.equal([1]);
      clock.set(3500);
      expect(sched.resourceOffers([offer('exec2', 'host2')], false)).to.deep.equal([]);
      clock.set(5000);
      expect(sched.resourceOffers([offer('exec2', 'host2')], false).map((t) => t.index)).to.deep.equal([2]);
    });

    it('is not reset by a partial offer after a delay reject, only by a full round (SPARK-18886)', () => {
      const { sched, clock } = setup({ conf, executors });
      sched.submitTasks(makeTaskSet({ stageId: 0, prefs: [local, local, local] }));
      // exec2 is rejected in this full round, so the launch on exec1 does not reset the timer.
      const [t0] = sched.resourceOffers([offer('exec1', 'host1'), offer('exec2', 'host2')], true);
      expect(t0!.executorId).to.equal('exec1');
      clock.set(2000);
      finish(sched, t0!);
      expect(sched.resourceOffers([offer('exec1', 'host1')], false)).to.have.length(1);
      clock.set(3000);
      expect(sched.resourceOffers([offer('exec2', 'host2')], false).map((t) => t.index)).to.deep.equal([2]);
    });
  });

  describe('status updates', () => {
    it('ignores unknown task ids, RUNNING and duplicate reports', () => {
      const { sched, listener } = setup();
      sched.statusUpdate(99, { state: 'FINISHED', result: okResult() });
      sched.submitTasks(makeTaskSet({ stageId: 0, prefs: noPrefs(1) }));
      const [t] = sched.resourceOffers([offer('exec1', 'host1')]);
      sched.statusUpdate(t!.taskId, { state: 'RUNNING' });
      expect(listener.ended).to.have.length(0);
      finish(sched, t!);
      finish(sched, t!);
      sched.statusUpdate(t!.taskId, { state: 'FAILED', reason: exceptionReason() });
      expect(listener.endKinds()).to.deep.equal(['success']);
      expect(sched.taskSetManagerForAttempt(0, 0)).to.equal(undefined);
      expect(sched.hasRunningTasksOn('exec1')).to.equal(false);
    });

    it('retries failed tasks, revives offers, and aborts after maxTaskFailures', () => {
      const { sched, listener, backend } = setup({ maxTaskFailures: 2 });
      sched.submitTasks(makeTaskSet({ stageId: 3, prefs: noPrefs(1) }));
      const [a0] = sched.resourceOffers([offer('exec1', 'host1')]);
      const revives = backend.reviveCount;
      sched.statusUpdate(a0!.taskId, { state: 'FAILED', reason: exceptionReason('first') });
      expect(backend.reviveCount).to.equal(revives + 1);
      const [a1] = sched.resourceOffers([offer('exec1', 'host1')]);
      expect(a1!.name).to.equal('task 0.1 in stage 3.0');
      sched.statusUpdate(a1!.taskId, { state: 'FAILED', reason: exceptionReason('second') });
      expect(listener.failedSets.map((f) => f.reason)).to.deep.equal([
        'Task 0 in stage 3.0 failed 2 times, most recent failure: Lost task 0.1 in stage 3.0 (TID 1) ' +
          '(host1 executor exec1): Error: second',
      ]);
      expect(sched.taskSetManagerForAttempt(3, 0)).to.equal(undefined);
    });
  });

  it('makes an older attempt of the same stage a zombie that launches nothing', () => {
    const { sched, listener } = setup({ executors: [['exec1', 'host1', 4]] });
    sched.submitTasks(makeTaskSet({ stageId: 0, stageAttemptId: 0, prefs: noPrefs(3) }));
    const [old] = sched.resourceOffers([offer('exec1', 'host1')]);
    sched.submitTasks(makeTaskSet({ stageId: 0, stageAttemptId: 1, prefs: noPrefs(3) }));
    const launched = sched.resourceOffers([offer('exec1', 'host1', 3)]);
    expect(launched.map((t) => t.stageAttemptId)).to.deep.equal([1, 1, 1]);
    expect(sched.taskSetManagerForAttempt(0, 0)!.isZombie).to.equal(true);
    // Its running task may still finish; then the old set is dropped.
    finish(sched, old!);
    expect(listener.ended.map((e) => [e.reason.kind, e.info.stageAttemptId])).to.deep.equal([['success', 0]]);
    expect(sched.taskSetManagerForAttempt(0, 0)).to.equal(undefined);
    expect(sched.taskSetManagerForAttempt(0, 1)!.isZombie).to.equal(false);
  });

  it('cancelTasks kills running attempts through the backend and launches nothing more', () => {
    const { sched, listener, backend } = setup({ executors: [['exec1', 'host1', 2]] });
    sched.submitTasks(makeTaskSet({ stageId: 4, prefs: noPrefs(3) }));
    const launched = sched.resourceOffers([offer('exec1', 'host1', 2)]);
    sched.cancelTasks(4, 'Job 0 cancelled');
    expect(backend.killed).to.deep.equal(
      launched.map((t) => ({ taskId: t.taskId, executorId: 'exec1', interruptThread: false, reason: 'Stage cancelled: Job 0 cancelled' })),
    );
    expect(sched.resourceOffers([offer('exec1', 'host1', 2)])).to.deep.equal([]);
    for (const t of launched) sched.statusUpdate(t.taskId, { state: 'KILLED', reason: { kind: 'killed', reason: 'Stage cancelled' } });
    expect(listener.endKinds()).to.deep.equal(['killed', 'killed']);
    expect(listener.failedSets).to.have.length(0);
    expect(sched.taskSetManagerForAttempt(4, 0)).to.equal(undefined);
  });

  it('killTaskAttempt kills a running attempt and reports unknown ids', () => {
    const { sched, backend } = setup();
    sched.submitTasks(makeTaskSet({ stageId: 0, prefs: noPrefs(1) }));
    const [t] = sched.resourceOffers([offer('exec1', 'host1')]);
    expect(sched.killTaskAttempt(t!.taskId, 'user asked')).to.equal(true);
    expect(sched.killTaskAttempt(12345, 'user asked')).to.equal(false);
    expect(backend.killed).to.deep.equal([{ taskId: t!.taskId, executorId: 'exec1', interruptThread: true, reason: 'user asked' }]);
  });

  describe('executors', () => {
    const loss = { message: 'Remote RPC client disassociated', exitCausedByApp: false };

    it('re-queues running tasks and resubmits map outputs of a lost executor', () => {
      const { sched, listener, backend } = setup({ executors: [['exec1', 'host1', 2], ['exec2', 'host2', 2]] });
      sched.submitTasks(makeTaskSet({ stageId: 0, kind: 'shuffle-map', prefs: noPrefs(2) }));
      const [t0, t1] = sched.resourceOffers([offer('exec1', 'host1', 2)]);
      finish(sched, t0!);
      const revives = backend.reviveCount;
      sched.executorLost('exec1', loss);
      expect(listener.endKinds()).to.deep.equal(['success', 'resubmitted', 'executor-lost']);
      expect(listener.ended[2]!.info.taskId).to.equal(t1!.taskId);
      expect(listener.lost).to.deep.equal([{ executorId: 'exec1', host: 'host1', reason: loss }]);
      expect([sched.isExecutorAlive('exec1'), sched.executorHost('exec1'), sched.executorHost('exec2')]).to.deep.equal([
        false,
        undefined,
        'host2',
      ]);
      expect(backend.reviveCount).to.equal(revives + 1);
      // A late update from the dead executor is ignored.
      finish(sched, t1!);
      const again = sched.resourceOffers([offer('exec2', 'host2', 2)]);
      expect(again.map((t) => t.attemptNumber)).to.deep.equal([1, 1]);
      expect(again.map((t) => t.index).sort()).to.deep.equal([0, 1]);
      expect(listener.failedSets).to.have.length(0);
    });

    it('does not resubmit result tasks that finished on a lost executor', () => {
      const { sched, listener } = setup({ executors: [['exec1', 'host1', 2], ['exec2', 'host2', 2]] });
      sched.submitTasks(makeTaskSet({ stageId: 0, kind: 'result', prefs: noPrefs(2) }));
      const [t0] = sched.resourceOffers([offer('exec1', 'host1', 2)]);
      finish(sched, t0!);
      sched.executorLost('exec1', loss);
      expect(listener.endKinds()).to.deep.equal(['success', 'executor-lost']);
      expect(sched.resourceOffers([offer('exec2', 'host2', 2)]).map((t) => t.index)).to.deep.equal([1]);
    });

    it('announces added executors once and accepts offers from unknown ones silently', () => {
      const { sched, listener } = setup({ executors: [] });
      sched.executorAdded('exec1', 'host1', 4);
      sched.executorAdded('exec1', 'host1', 4);
      expect(listener.added).to.deep.equal([{ executorId: 'exec1', host: 'host1', cores: 4 }]);
      sched.submitTasks(makeTaskSet({ stageId: 0, prefs: noPrefs(1) }));
      expect(sched.resourceOffers([offer('exec9', 'host9')])).to.have.length(1);
      expect([sched.isExecutorAlive('exec9'), sched.hasRunningTasksOn('exec9')]).to.deep.equal([true, true]);
      expect(listener.added).to.have.length(1);
      sched.executorLost('nope', loss);
      expect(listener.lost).to.have.length(0);
    });
  });

  it('delegates defaultParallelism and refuses work after stop()', () => {
    const { sched } = setup();
    expect(sched.defaultParallelism()).to.equal(8);
    expect(sched.maxTaskFailures).to.equal(4);
    sched.submitTasks(makeTaskSet({ stageId: 0, prefs: noPrefs(1) }));
    sched.stop();
    expect(sched.resourceOffers([offer('exec1', 'host1')])).to.deep.equal([]);
    expect(() => sched.submitTasks(makeTaskSet({ stageId: 1, prefs: noPrefs(1) }))).to.throw(IllegalStateError);
  });

  describe('10,000 no-op tasks (nothing quadratic)', () => {
    function run(prefs: (i: number) => TaskLocation[]) {
      const hosts = ['host0', 'host1', 'host2', 'host3'];
      const { sched, listener } = setup({ executors: hosts.map((h, i) => [`exec${i}`, h, 8]) });
      const n = 10_000;
      sched.submitTasks(makeTaskSet({ stageId: 0, prefs: Array.from({ length: n }, (_, i) => prefs(i)) }));
      const queue = sched.resourceOffers(hosts.map((h, i) => offer(`exec${i}`, h, 8)));
      for (let i = 0; i < queue.length; i++) {
        const t = queue[i]!;
        finish(sched, t);
        queue.push(...sched.resourceOffers([offer(t.executorId, sched.executorHost(t.executorId)!)], false));
      }
      expect(queue).to.have.length(n);
      expect(listener.ended.filter((e) => e.reason.kind === 'success')).to.have.length(n);
      expect(sched.taskSetManagerForAttempt(0, 0)).to.equal(undefined);
      return queue;
    }

    it('runs tasks without preferences', () => {
      run(() => []);
    });

    it('runs tasks that prefer an executor, all process-local', () => {
      const queue = run((i) => [{ host: `host${i % 4}`, executorId: `exec${i % 4}` }]);
      expect(queue.every((t) => t.executorId === `exec${t.index % 4}`)).to.equal(true);
    });
  });
  it('cancelTasks kills running attempts without relaunching them when the backend frees the slot at once', () => {
    const { sched, backend } = setup({ executors: [['exec1', 'host1', 2]] });
    sched.submitTasks(makeTaskSet({ stageId: 0, prefs: noPrefs(4) }));
    const launched = sched.resourceOffers([offer('exec1', 'host1', 2)]);
    expect(launched).to.have.length(2);
    const relaunched: TaskDescription[] = [];
    // Like the local backend: KILLED arrives inside killTask, and the freed slot is offered again.
    backend.killTask = (taskId, executorId, interruptThread, reason) => {
      backend.killed.push({ taskId, executorId, interruptThread, reason });
      sched.statusUpdate(taskId, { state: 'KILLED', reason: { kind: 'killed', reason } });
      relaunched.push(...sched.resourceOffers([offer('exec1', 'host1', 1)], false));
    };
    sched.cancelTasks(0, 'job 0 cancelled');
    expect(backend.killed.map((k) => [k.taskId, k.reason])).to.deep.equal([
      [launched[0]!.taskId, 'Stage cancelled: job 0 cancelled'],
      [launched[1]!.taskId, 'Stage cancelled: job 0 cancelled'],
    ]);
    expect(relaunched).to.deep.equal([]);
    expect(sched.taskSetManagerForAttempt(0, 0)).to.equal(undefined);
  });
});
