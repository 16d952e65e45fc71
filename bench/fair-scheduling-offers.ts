/**
 * The scheduler's own cost of FAIR vs FIFO, without executors: a TaskSchedulerImpl with a
 * no-op backend and listener, offered one free core at a time (as a finishing task frees it) for
 * 10,000 tasks in two concurrent task sets; every launched task finishes at once. FAIR sorts the
 * pool tree on every offer, FIFO walks one queue; the ratio is what pools cost per decision.
 */
import { KindlingConf } from '@kindling/core';
import { TaskSchedulerImpl } from '@kindling/core/internal/scheduler/task-scheduler-impl';
import type { TaskSet } from '@kindling/core/internal/scheduler/task-set';
import { fmt, fmtRatio } from './table.js';
import { median, type Benchmark } from './harness.js';

function taskSet(stageId: number, n: number, pool: string): TaskSet {
  const tasks = Array.from({ length: n }, (_, partition) => ({
    kind: 'result' as const,
    stageId,
    stageAttemptId: 0,
    partition,
    outputId: partition,
    jobId: stageId,
    epoch: 0,
    preferredLocations: [],
  }));
  return { stageId, stageAttemptId: 0, priority: stageId, tasks, binaryId: stageId, properties: { 'kindling.scheduler.pool': pool } };
}

/** Schedules and finishes `n` tasks; returns decisions per second. */
function run(mode: 'FIFO' | 'FAIR', n: number): number {
  const sched = new TaskSchedulerImpl(new KindlingConf({ 'kindling.scheduler.mode': mode }), {
    maxTaskFailures: 4,
    isLocal: false,
    pools: [
      { name: 'a', schedulingMode: 'FIFO', weight: 1, minShare: 0 },
      { name: 'b', schedulingMode: 'FIFO', weight: 3, minShare: 1 },
    ],
  });
  const noop = () => undefined;
  sched.setBackend({
    start: async () => undefined,
    stop: async () => undefined,
    reviveOffers: noop,
    killTask: noop,
    defaultParallelism: () => 4,
    applicationId: () => 'bench',
    requestTotalExecutors: async () => false,
    killExecutors: async () => false,
  });
  sched.setListener({ taskStarted: noop, taskEnded: noop, taskSetFailed: noop, executorAdded: noop, executorLost: noop });
  const executors = ['e0', 'e1', 'e2', 'e3'];
  for (const e of executors) sched.executorAdded(e, 'host', 1);
  const result = { value: null, accumulatorUpdates: [], blockUpdates: [], durationMs: 0 };
  // CPU time, not wall time: the loop is synchronous, and on a shared machine wall time mostly
  // measures other processes.
  const start = process.cpuUsage();
  // Two task sets: FIFO runs them one after the other, FAIR interleaves them, so FAIR also pays
  // for offering to two live task sets all the way through (as Spark does).
  sched.submitTasks(taskSet(0, n / 2, 'a'));
  sched.submitTasks(taskSet(1, n / 2, 'b'));
  let running = sched.resourceOffers(executors.map((executorId) => ({ executorId, host: 'host', cores: 1 })));
  let done = 0;
  while (running.length > 0) {
    const t = running.shift()!;
    sched.statusUpdate(t.taskId, { state: 'FINISHED', result });
    done++;
    running.push(...sched.resourceOffers([{ executorId: t.executorId, host: 'host', cores: 1 }], false));
  }
  const used = process.cpuUsage(start);
  const ms = (used.user + used.system) / 1000;
  if (done !== n) throw new Error(`expected ${n} tasks to finish, got ${done}`);
  return n / (ms / 1000);
}

export function fairSchedulingOffers(o: { master: string; repetitions?: number; minRatio?: number }): Benchmark {
  const repetitions = o.repetitions ?? 11;
  const minRatio = o.minRatio ?? 0.8;
  const sizes = { full: 10_000, quick: 2_000 };
  return {
    name: 'fair-vs-fifo-offers',
    master: o.master,
    what: ({ quick }) =>
      `TaskSchedulerImpl alone (no executors): ${fmt(quick ? sizes.quick : sizes.full)} tasks in 2 task sets, one core offered per finished task, FAIR (2 pools) vs FIFO, median of ${repetitions} (CPU time)`,
    async run(opts) {
      const n = opts.quick ? sizes.quick : sizes.full;
      run('FIFO', n);
      run('FAIR', n);
      const fifo: number[] = [];
      const fair: number[] = [];
      for (let r = 0; r < repetitions; r++) {
        // Alternate which goes first, so load drifts hit both alike.
        if (r % 2) fair.push(run('FAIR', n));
        fifo.push(run('FIFO', n));
        if (!(r % 2)) fair.push(run('FAIR', n));
      }
      const ratio = median(fair) / median(fifo);
      opts.log(`  FIFO ${fifo.map((x) => fmt(x)).join(', ')}; FAIR ${fair.map((x) => fmt(x)).join(', ')} tasks per CPU-second`);
      return {
        result: `FAIR ${fmt(median(fair))} tasks per CPU-second`,
        baseline: `FIFO ${fmt(median(fifo))} tasks per CPU-second`,
        ratio,
        target: `FAIR/FIFO >= ${minRatio}`,
        met: ratio >= minRatio,
        notes: [`scheduler-only FAIR/FIFO ratio ${fmtRatio(ratio)} (FIFO ${fifo.map((x) => fmt(x)).join(', ')}; FAIR ${fair.map((x) => fmt(x)).join(', ')})`],
      };
    },
  };
}
