/*
 * Test doubles for the task scheduler: a SchedulerBackend and a TaskSchedulerListener that only
 * record what they are asked, plus small builders for tasks and task sets.
 */
import type { ExecutorLossReason } from './executor-loss-reason.js';
import type { SchedulerBackend } from './scheduler-backend.js';
import type { TaskEndReason } from './task-end-reason.js';
import type { TaskInfo } from './task-info.js';
import type { TaskLocation } from './task-location.js';
import type { DirectTaskResult } from './task-result.js';
import type { TaskSchedulerListener } from './task-scheduler-listener.js';
import type { TaskSet } from './task-set.js';
import type { Task, TaskKind } from './task.js';

export interface KillRequest {
  taskId: number;
  executorId: string;
  interruptThread: boolean;
  reason: string;
}

/** Records every call; never launches anything (tests call resourceOffers/statusUpdate themselves). */
export class FakeSchedulerBackend implements SchedulerBackend {
  readonly killed: KillRequest[] = [];
  readonly requestedTotals: number[] = [];
  readonly killedExecutors: string[] = [];
  reviveCount = 0;
  started = false;
  stopped = false;

  constructor(private readonly parallelism = 2) {}

  async start(): Promise<void> {
    this.started = true;
  }
  async stop(): Promise<void> {
    this.stopped = true;
  }
  reviveOffers(): void {
    this.reviveCount++;
  }
  killTask(taskId: number, executorId: string, interruptThread: boolean, reason: string): void {
    this.killed.push({ taskId, executorId, interruptThread, reason });
  }
  defaultParallelism(): number {
    return this.parallelism;
  }
  applicationId(): string {
    return 'fake-app';
  }
  async requestTotalExecutors(total: number): Promise<boolean> {
    this.requestedTotals.push(total);
    return true;
  }
  async killExecutors(executorIds: string[]): Promise<boolean> {
    this.killedExecutors.push(...executorIds);
    return true;
  }
}

export interface TaskEndEvent {
  task: Task;
  reason: TaskEndReason;
  result: DirectTaskResult | undefined;
  info: TaskInfo;
}

/** A listener (the DAG scheduler's seat) that records events in order. */
export class RecordingListener implements TaskSchedulerListener {
  readonly started: Array<{ task: Task; info: TaskInfo }> = [];
  readonly ended: TaskEndEvent[] = [];
  readonly failedSets: Array<{ taskSet: TaskSet; reason: string }> = [];
  readonly added: Array<{ executorId: string; host: string; cores: number }> = [];
  readonly lost: Array<{ executorId: string; host: string; reason: ExecutorLossReason }> = [];

  taskStarted(task: Task, info: TaskInfo): void {
    this.started.push({ task, info });
  }
  taskEnded(task: Task, reason: TaskEndReason, result: DirectTaskResult | undefined, info: TaskInfo): void {
    this.ended.push({ task, reason, result, info });
  }
  taskSetFailed(taskSet: TaskSet, reason: string): void {
    this.failedSets.push({ taskSet, reason });
  }
  executorAdded(executorId: string, host: string, cores: number): void {
    this.added.push({ executorId, host, cores });
  }
  executorLost(executorId: string, host: string, reason: ExecutorLossReason): void {
    this.lost.push({ executorId, host, reason });
  }
  endKinds(): string[] {
    return this.ended.map((e) => e.reason.kind);
  }
}

export interface TaskSetSpec {
  stageId: number;
  stageAttemptId?: number;
  /** Job id; defaults to 0. */
  priority?: number;
  kind?: TaskKind;
  /** One entry per task; its length is the number of tasks. */
  prefs: TaskLocation[][];
}

export function makeTaskSet(spec: TaskSetSpec): TaskSet {
  const { stageId, stageAttemptId = 0, priority = 0, kind = 'result' } = spec;
  const tasks: Task[] = spec.prefs.map((preferredLocations, partition) => ({
    kind,
    stageId,
    stageAttemptId,
    partition,
    outputId: partition,
    jobId: priority,
    epoch: 0,
    preferredLocations,
  }));
  return { stageId, stageAttemptId, priority, tasks, binaryId: 100 + stageId };
}

/** `n` tasks without locality preferences. */
export function noPrefs(n: number): TaskLocation[][] {
  return Array.from({ length: n }, () => []);
}

export function okResult(value: unknown = null): DirectTaskResult {
  return { value, accumulatorUpdates: [], blockUpdates: [], durationMs: 1 };
}

export function exceptionReason(message = 'boom'): TaskEndReason {
  return { kind: 'exception', error: { name: 'Error', message, stack: `Error: ${message}` } };
}
