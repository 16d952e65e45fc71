import { expect } from 'chai';
import { KindlingConf } from '../conf/kindling-conf.js';
import { ManualClock } from '../util/clock.js';
import {
  FakeSchedulerBackend,
  RecordingListener,
  exceptionReason,
  makeTaskSet,
  noPrefs,
  okResult,
} from './fake-scheduler-backend.test-helper.js';
import type { TaskEndReason } from './task-end-reason.js';
import { TaskLocality } from './task-locality.js';
import type { TaskLocation } from './task-location.js';
import { TaskSetManager, type TaskSetManagerScheduler } from './task-set-manager.js';
import type { TaskKind } from './task.js';

const { PROCESS_LOCAL, NODE_LOCAL, NO_PREF, ANY } = TaskLocality;
const WAIT = 3000;

/** The scheduler as a TaskSetManager sees it, with a fixed set of live executors. */
class FakeSched implements TaskSetManagerScheduler {
  readonly listener = new RecordingListener();
  readonly backend = new FakeSchedulerBackend();
  readonly executors = new Map<string, string>();
  readonly finished: TaskSetManager[] = [];
  private nextId = 0;

  constructor(...execs: Array<[string, string]>) {
    for (const [e, h] of execs) this.executors.set(e, h);
  }
  newTaskId(): number {
    return this.nextId++;
  }
  isExecutorAlive(id: string): boolean {
    return this.executors.has(id);
  }
  hasExecutorsAliveOnHost(host: string): boolean {
    return [...this.executors.values()].includes(host);
  }
  killTask(taskId: number, executorId: string, interruptThread: boolean, reason: string): void {
    this.backend.killTask(taskId, executorId, interruptThread, reason);
  }
  taskSetFinished(manager: TaskSetManager): void {
    this.finished.push(manager);
  }
}

interface Setup {
  prefs: TaskLocation[][];
  execs?: Array<[string, string]>;
  conf?: Record<string, string | number>;
  maxTaskFailures?: number;
  kind?: TaskKind;
  stageId?: number;
}

function setup(s: Setup) {
  const sched = new FakeSched(...(s.execs ?? [['exec1', 'host1']]));
  const clock = new ManualClock();
  const taskSet = makeTaskSet({ stageId: s.stageId ?? 0, prefs: s.prefs, kind: s.kind });
  const tsm = new TaskSetManager(sched, taskSet, s.maxTaskFailures ?? 4, clock, new KindlingConf(s.conf ?? {}));
  /** The task this offer launches, if any. */
  const offer = (exec: string, host: string, level: TaskLocality) => tsm.resourceOffer(exec, host, level).task;
  return { sched, clock, tsm, offer, listener: sched.listener };
}

const exec = (host: string, executorId: string): TaskLocation => ({ host, executorId });

describe('TaskSetManager', () => {
  describe('delay scheduling', () => {
    it('follows the worked example: exec1, exec2, host1/exec2, no-pref', () => {
      const { clock, tsm, offer } = setup({
        execs: [['exec1', 'host1'], ['exec2', 'host2']],
        prefs: [[exec('host1', 'exec1')], [exec('host2', 'exec2')], [{ host: 'host1' }, exec('host2', 'exec2')], []],
      });
      expect(tsm.myLocalityLevels).to.deep.equal([PROCESS_LOCAL, NODE_LOCAL, NO_PREF, ANY]);
      // An ANY offer on exec1 gets its process-local task; then exec1 has nothing process-local.
      const t0 = offer('exec1', 'host1', ANY)!;
      expect([t0.index, tsm.getTaskInfo(t0.taskId)!.locality]).to.deep.equal([0, 'PROCESS_LOCAL']);
      expect(offer('exec1', 'host1', PROCESS_LOCAL)).to.equal(undefined);
      clock.advance(WAIT);
      // Node-local before no-pref.
      const t2 = offer('exec1', 'host1', NODE_LOCAL)!;
      expect([t2.index, tsm.getTaskInfo(t2.taskId)!.locality]).to.deep.equal([2, 'NODE_LOCAL']);
      expect(offer('exec2', 'host2', NODE_LOCAL)!.index).to.equal(1);
      expect(offer('exec2', 'host2', NODE_LOCAL)).to.equal(undefined);
      clock.advance(WAIT);
      const t3 = offer('exec2', 'host2', NO_PREF)!;
      expect([t3.index, tsm.getTaskInfo(t3.taskId)!.locality]).to.deep.equal([3, 'PROCESS_LOCAL']);
    });

    it('sends a cached partition to the executor holding it (PROCESS_LOCAL)', () => {
      const { tsm, offer } = setup({ execs: [['exec1a', 'host1'], ['exec1b', 'host1']], prefs: [[exec('host1', 'exec1b')]] });
      expect(tsm.resourceOffer('exec1a', 'host1', ANY)).to.deep.equal({ rejectedDueToDelay: true });
      const t = offer('exec1b', 'host1', ANY)!;
      expect(tsm.getTaskInfo(t.taskId)!.locality).to.equal('PROCESS_LOCAL');
      expect(t.executorId).to.equal('exec1b');
    });

    it('prefers a host-local executor (NODE_LOCAL) and falls back to ANY after the wait', () => {
      const { clock, tsm, offer } = setup({
        execs: [['exec1', 'host1'], ['exec2', 'host2']],
        prefs: [[{ host: 'host1' }], [{ host: 'host1' }]],
      });
      expect(tsm.myLocalityLevels).to.deep.equal([NODE_LOCAL, ANY]);
      expect(offer('exec2', 'host2', ANY)).to.equal(undefined);
      const t0 = offer('exec1', 'host1', ANY)!;
      expect([t0.index, tsm.getTaskInfo(t0.taskId)!.locality]).to.deep.equal([0, 'NODE_LOCAL']);
      clock.advance(WAIT - 1);
      expect(offer('exec2', 'host2', ANY)).to.equal(undefined);
      clock.advance(1);
      const t1 = offer('exec2', 'host2', ANY)!;
      expect([t1.index, tsm.getTaskInfo(t1.taskId)!.locality]).to.deep.equal([1, 'ANY']);
    });

    it('runs no-pref tasks anywhere without waiting', () => {
      const { tsm, offer } = setup({ prefs: noPrefs(2) });
      expect(tsm.myLocalityLevels).to.deep.equal([NO_PREF, ANY]);
      expect(offer('exec1', 'host1', NO_PREF)!.index).to.equal(0);
      expect(offer('exec1', 'host1', ANY)!.index).to.equal(1);
    });

    it('schedules node-local tasks right after the process-local ones (SPARK-4939)', () => {
      const { offer } = setup({
        execs: [['execA', 'host1'], ['execB', 'host2']],
        prefs: [[{ host: 'host1' }], [{ host: 'host2' }], [exec('host1', 'execA')], [exec('host2', 'execB')]],
      });
      expect(offer('execA', 'host1', NODE_LOCAL)!.index).to.equal(2);
      expect(offer('execB', 'host2', NODE_LOCAL)!.index).to.equal(3);
      // No process-local task is left, so the NODE_LOCAL level is allowed with no wait.
      expect(offer('execA', 'host1', NODE_LOCAL)!.index).to.equal(0);
      expect(offer('execB', 'host2', NODE_LOCAL)!.index).to.equal(1);
      expect(offer('execA', 'host1', NODE_LOCAL)).to.equal(undefined);
    });

    it('schedules no-pref tasks right after the process-local ones', () => {
      const { offer } = setup({
        execs: [['execA', 'host1'], ['execB', 'host2']],
        prefs: [[], [exec('host1', 'execA')], [exec('host2', 'execB')]],
      });
      expect(offer('execA', 'host1', PROCESS_LOCAL)!.index).to.equal(1);
      expect(offer('execB', 'host2', PROCESS_LOCAL)!.index).to.equal(2);
      expect(offer('execA', 'host1', PROCESS_LOCAL)).to.equal(undefined);
      expect(offer('execA', 'host1', NODE_LOCAL)).to.equal(undefined);
      expect(offer('execA', 'host1', NO_PREF)!.index).to.equal(0);
      expect(offer('execA', 'host1', ANY)).to.equal(undefined);
    });

    it('does not wait when kindling.locality.wait=0', () => {
      const { offer } = setup({
        execs: [['exec1', 'host1'], ['exec2', 'host2']],
        prefs: [[exec('host1', 'exec1')]],
        conf: { 'kindling.locality.wait': 0 },
      });
      expect(offer('exec2', 'host2', ANY)!.index).to.equal(0);
    });

    it('uses the per-level waits, which default to kindling.locality.wait', () => {
      const { clock, offer } = setup({
        execs: [['exec1', 'host1'], ['exec2', 'host2']],
        prefs: [[exec('host1', 'exec1')]],
        conf: { 'kindling.locality.wait': '10s', 'kindling.locality.wait.process': '1s' },
      });
      clock.advance(1000);
      expect(offer('exec2', 'host2', ANY)).to.equal(undefined); // now at NODE_LOCAL, 10 s wait
      clock.advance(9999);
      expect(offer('exec2', 'host2', ANY)).to.equal(undefined);
      clock.advance(1);
      expect(offer('exec2', 'host2', ANY)!.index).to.equal(0);
    });

    it('adds a locality level when the preferred executor registers', () => {
      const { sched, tsm, offer } = setup({ prefs: [[exec('host3', 'exec3')], []] });
      expect(tsm.myLocalityLevels).to.deep.equal([NO_PREF, ANY]);
      sched.executors.set('exec3', 'host3');
      tsm.executorAdded();
      expect(tsm.myLocalityLevels).to.deep.equal([PROCESS_LOCAL, NODE_LOCAL, NO_PREF, ANY]);
      expect(offer('exec3', 'host3', PROCESS_LOCAL)!.index).to.equal(0);
    });
  });

  describe('launching', () => {
    it('describes the task attempt', () => {
      const { tsm, offer } = setup({ stageId: 7, prefs: noPrefs(2), kind: 'shuffle-map' });
      const t = offer('exec1', 'host1', ANY)!;
      expect(t).to.deep.equal({
        taskId: 0,
        attemptNumber: 0,
        executorId: 'exec1',
        name: 'task 0.0 in stage 7.0',
        index: 0,
        kind: 'shuffle-map',
        stageId: 7,
        stageAttemptId: 0,
        partition: 0,
        outputId: 0,
        jobId: 0,
        epoch: 0,
        binaryId: 107,
      });
      expect(tsm.getTaskInfo(0)).to.include({ host: 'host1', launchTime: 0, successful: false, failed: false });
      expect(tsm.runningTasks).to.equal(1);
    });
  });

  describe('failures and retries', () => {
    function failAndRetry(maxTaskFailures: number, reasons: TaskEndReason[]) {
      const ctx = setup({ stageId: 1, prefs: noPrefs(1), maxTaskFailures });
      for (const reason of reasons) {
        const t = ctx.offer('exec1', 'host1', ANY);
        if (t === undefined) break;
        ctx.tsm.handleFailedTask(t.taskId, reason.kind === 'killed' ? 'KILLED' : 'FAILED', reason);
      }
      return ctx;
    }

    it('retries a failing task up to maxTaskFailures, then aborts with Spark\'s message', () => {
      const { tsm, listener, sched, offer } = failAndRetry(4, Array.from({ length: 4 }, () => exceptionReason()));
      expect(listener.ended.map((e) => e.info.attemptNumber)).to.deep.equal([0, 1, 2, 3]);
      expect(listener.failedSets.map((f) => f.reason)).to.deep.equal([
        'Task 0 in stage 1.0 failed 4 times, most recent failure: Lost task 0.3 in stage 1.0 (TID 3) ' +
          '(host1 executor exec1): Error: boom',
      ]);
      expect(tsm.isZombie).to.equal(true);
      expect(sched.finished).to.deep.equal([tsm]);
      expect(offer('exec1', 'host1', ANY)).to.equal(undefined);
    });

    it('aborts on the first failure when maxTaskFailures = 1', () => {
      const { listener } = failAndRetry(1, [exceptionReason('bad')]);
      expect(listener.failedSets.map((f) => f.reason)).to.deep.equal([
        'Task 0 in stage 1.0 failed 1 times, most recent failure: Lost task 0.0 in stage 1.0 (TID 0) ' +
          '(host1 executor exec1): Error: bad',
      ]);
    });

    it('does not count executor loss unrelated to the app, nor kills', () => {
      const lost: TaskEndReason = { kind: 'executor-lost', executorId: 'exec1', exitCausedByApp: false, reason: 'x' };
      const killed: TaskEndReason = { kind: 'killed', reason: 'test' };
      const { tsm, listener, offer } = failAndRetry(2, [lost, lost, killed, killed, lost, exceptionReason()]);
      expect(listener.failedSets).to.have.length(0);
      expect(tsm.isZombie).to.equal(false);
      const t = offer('exec1', 'host1', ANY)!;
      expect(t.attemptNumber).to.equal(6);
      tsm.handleFailedTask(t.taskId, 'FAILED', { kind: 'executor-lost', executorId: 'exec1', exitCausedByApp: true, reason: 'oom' });
      expect(listener.failedSets).to.have.length(1);
    });

    it('makes the set a zombie on fetch failure and never retries that task', () => {
      const { tsm, listener, sched, offer } = setup({ prefs: noPrefs(3) });
      const t0 = offer('exec1', 'host1', ANY)!;
      const t1 = offer('exec1', 'host1', ANY)!;
      const fetch: TaskEndReason = {
        kind: 'fetch-failed',
        shuffleId: 0,
        mapIndex: 1,
        reduceId: 0,
        executorId: 'exec2',
        message: 'gone',
      };
      tsm.handleFailedTask(t0.taskId, 'FAILED', fetch);
      expect(tsm.isZombie).to.equal(true);
      expect(listener.endKinds()).to.deep.equal(['fetch-failed']);
      expect(offer('exec1', 'host1', ANY)).to.equal(undefined);
      expect(sched.finished).to.have.length(0); // t1 still running
      tsm.handleSuccessfulTask(t1.taskId, okResult());
      expect(sched.finished).to.deep.equal([tsm]);
      expect(listener.failedSets).to.have.length(0);
    });

    it('ignores a duplicate success report', () => {
      const { tsm, listener, sched, offer } = setup({ prefs: noPrefs(1) });
      const t = offer('exec1', 'host1', ANY)!;
      tsm.handleSuccessfulTask(t.taskId, okResult(42));
      tsm.handleSuccessfulTask(t.taskId, okResult(43));
      tsm.handleFailedTask(t.taskId, 'FAILED', exceptionReason());
      expect(listener.ended.map((e) => [e.reason.kind, e.result?.value])).to.deep.equal([['success', 42]]);
      expect(tsm.tasksSuccessful).to.equal(1);
      expect(sched.finished).to.deep.equal([tsm]);
      expect(tsm.getTaskInfo(t.taskId)).to.include({ successful: true, failed: false });
    });
  });

  describe('executor loss', () => {
    const loss = { message: 'Remote RPC client disassociated', exitCausedByApp: false };

    function runOnExec1(kind: TaskKind) {
      const ctx = setup({ kind, execs: [['exec1', 'host1'], ['exec2', 'host2']], prefs: noPrefs(3) });
      const t0 = ctx.offer('exec1', 'host1', ANY)!;
      const t1 = ctx.offer('exec1', 'host1', ANY)!;
      const t2 = ctx.offer('exec2', 'host2', ANY)!;
      ctx.tsm.handleSuccessfulTask(t0.taskId, okResult());
      ctx.tsm.handleSuccessfulTask(t2.taskId, okResult());
      ctx.sched.executors.delete('exec1');
      ctx.tsm.executorLost('exec1', 'host1', loss);
      return { ...ctx, t1 };
    }

    it('re-queues running tasks and resubmits map outputs that lived there', () => {
      const { tsm, listener, offer, t1 } = runOnExec1('shuffle-map');
      const tail = listener.ended.slice(2);
      expect(tail.map((e) => [e.reason.kind, e.task.partition])).to.deep.equal([
        ['resubmitted', 0],
        ['executor-lost', 1],
      ]);
      expect(tail[1]!.reason).to.deep.equal({ kind: 'executor-lost', executorId: 'exec1', exitCausedByApp: false, reason: loss.message });
      expect(tsm.getTaskInfo(t1.taskId)!.failed).to.equal(true);
      expect(tsm.tasksSuccessful).to.equal(1);
      const again = [offer('exec2', 'host2', ANY)!, offer('exec2', 'host2', ANY)!];
      expect(again.map((t) => t.index).sort()).to.deep.equal([0, 1]);
      expect(again.map((t) => t.attemptNumber)).to.deep.equal([1, 1]);
      expect(offer('exec2', 'host2', ANY)).to.equal(undefined);
    });

    it('does not resubmit finished result tasks', () => {
      const { tsm, listener, offer } = runOnExec1('result');
      expect(listener.endKinds().slice(2)).to.deep.equal(['executor-lost']);
      expect(tsm.tasksSuccessful).to.equal(2);
      expect(offer('exec2', 'host2', ANY)!.index).to.equal(1);
      expect(offer('exec2', 'host2', ANY)).to.equal(undefined);
    });
  });
});
