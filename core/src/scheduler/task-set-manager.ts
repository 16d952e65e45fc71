import type { KindlingConf } from '../conf/kindling-conf.js';
import type { Clock } from '../util/clock.js';
import type { ExecutorLossReason } from './executor-loss-reason.js';
import { PendingTasks } from './pending-tasks.js';
import type { TaskDescription } from './task-description.js';
import { countsTowardsTaskFailures, describeTaskEndReason, type TaskEndReason } from './task-end-reason.js';
import type { TaskInfo } from './task-info.js';
import { TaskLocality, localityName } from './task-locality.js';
import type { DirectTaskResult } from './task-result.js';
import type { TaskSchedulerListener } from './task-scheduler-listener.js';
import { taskSetId, type TaskSet } from './task-set.js';
import type { Schedulable } from './schedulable.js';
import type { Pool } from './pool.js';
import type { Task } from './task.js';

/*
 * One TaskSet (stage attempt) as Spark's TaskSetManager: pending lists by locality, delay
 * scheduling, retries up to maxTaskFailures, resubmission of map outputs lost with an executor.
 * Not implemented (out of scope): speculation, exclude-on-failure, barrier sets, result-size limits.
 */

/** What a TaskSetManager needs from its task scheduler. */
export interface TaskSetManagerScheduler {
  readonly listener: TaskSchedulerListener;
  newTaskId(): number;
  isExecutorAlive(executorId: string): boolean;
  hasExecutorsAliveOnHost(host: string): boolean;
  killTask(taskId: number, executorId: string, interruptThread: boolean, reason: string): void;
  /** The manager is a zombie with no running tasks: drop it. Called once. */
  taskSetFinished(manager: TaskSetManager): void;
}

export interface ResourceOfferResult {
  task?: TaskDescription;
  /** Nothing launched at an ANY offer although tasks are pending: delay scheduling said no. */
  rejectedDueToDelay: boolean;
}

const NOTHING: ResourceOfferResult = Object.freeze({ rejectedDueToDelay: false });
const REJECTED: ResourceOfferResult = Object.freeze({ rejectedDueToDelay: true });

export class TaskSetManager implements Schedulable {
  /** "<stageId>.<stageAttemptId>" */
  readonly id: string;
  /** Schedulable: a task set competes in its pool with weight 1 and no minimum share, as in Spark. */
  readonly weight = 1;
  readonly minShare = 0;
  readonly name: string;
  /** The pool holding it; told of every launch and end so pools' running counts stay current. */
  parent: Pool | undefined;
  readonly numTasks: number;
  private readonly tasks: readonly Task[];
  private readonly isShuffleMapTasks: boolean;
  private readonly copiesRunning: Int32Array;
  private readonly successful: Uint8Array;
  private readonly numFailures: Int32Array;
  private readonly taskAttempts: Array<TaskInfo[] | undefined>;
  private readonly taskInfos = new Map<number, TaskInfo>();
  private readonly running = new Set<number>();
  private readonly killedByOtherAttempt = new Set<number>();
  private readonly pending: PendingTasks;
  private readonly waitProcess: number;
  private readonly waitNode: number;
  private readonly waitRack: number;
  private successCount = 0;
  private zombie = false;
  private finishReported = false;
  private levels: TaskLocality[];
  private localityWaits: number[];
  private currentLocalityIndex = 0;
  private lastLocalityWaitResetTime: number;

  constructor(
    private readonly sched: TaskSetManagerScheduler,
    readonly taskSet: TaskSet,
    readonly maxTaskFailures: number,
    private readonly clock: Clock,
    conf: KindlingConf,
  ) {
    this.id = taskSetId(taskSet);
    this.name = `TaskSet_${this.id}`;
    this.tasks = taskSet.tasks;
    const n = (this.numTasks = taskSet.tasks.length);
    this.isShuffleMapTasks = n > 0 && taskSet.tasks[0]!.kind === 'shuffle-map';
    this.copiesRunning = new Int32Array(n);
    this.successful = new Uint8Array(n);
    this.numFailures = new Int32Array(n);
    this.taskAttempts = new Array<TaskInfo[] | undefined>(n);
    this.pending = new PendingTasks((i) => this.successful[i] === 0 && this.copiesRunning[i] === 0);
    const wait = conf.getTimeMs('kindling.locality.wait', '3s');
    const levelWait = (key: string) => (conf.has(key) ? conf.getTimeMs(key, '0') : wait);
    this.waitProcess = levelWait('kindling.locality.wait.process');
    this.waitNode = levelWait('kindling.locality.wait.node');
    this.waitRack = levelWait('kindling.locality.wait.rack');
    // Reverse order so that index 0 is on top of every stack.
    for (let i = n - 1; i >= 0; i--) this.addPendingTask(i);
    this.levels = this.computeValidLocalityLevels();
    this.localityWaits = this.levels.map((l) => this.localityWait(l));
    this.lastLocalityWaitResetTime = clock.now();
    if (n === 0) this.zombie = true;
  }

  get priority(): number {
    return this.taskSet.priority;
  }
  get stageId(): number {
    return this.taskSet.stageId;
  }
  get isZombie(): boolean {
    return this.zombie;
  }
  /** Valid locality levels, most local first; always ends with ANY. */
  get myLocalityLevels(): readonly TaskLocality[] {
    return this.levels;
  }
  get runningTasks(): number {
    return this.running.size;
  }
  get tasksSuccessful(): number {
    return this.successCount;
  }
  runningTaskIds(): number[] {
    return [...this.running];
  }
  getTaskInfo(taskId: number): TaskInfo | undefined {
    return this.taskInfos.get(taskId);
  }
  someAttemptSucceeded(taskId: number): boolean {
    const info = this.taskInfos.get(taskId);
    return info !== undefined && this.successful[info.index] === 1;
  }
  /** Worth offering resources to: not a zombie and something is pending. */
  isSchedulable(): boolean {
    return !this.zombie && this.pending.hasPending(this.pending.all);
  }

  /**
   * Offer one slot on `execId` at most as far away as `maxLocality`. The delay-scheduling timer is
   * bypassed for NO_PREF offers, as in Spark. Does not notify the listener; the scheduler does.
   */
  resourceOffer(execId: string, host: string, maxLocality: TaskLocality): ResourceOfferResult {
    if (this.zombie) return NOTHING;
    const now = this.clock.now();
    let allowed = maxLocality;
    if (maxLocality !== TaskLocality.NO_PREF) {
      const level = this.getAllowedLocalityLevel(now);
      if (level < maxLocality) allowed = level;
    }
    const found = this.pending.dequeueTask(execId, host, allowed);
    if (found !== undefined) {
      return { task: this.prepareLaunchingTask(found.index, found.locality, execId, host, now), rejectedDueToDelay: false };
    }
    const rejected = maxLocality === TaskLocality.ANY && this.pending.hasPending(this.pending.all);
    return rejected ? REJECTED : NOTHING;
  }

  /** The most distant level delay scheduling allows now; advances the current level (Spark's algorithm). */
  getAllowedLocalityLevel(now: number): TaskLocality {
    const p = this.pending;
    while (this.currentLocalityIndex < this.levels.length - 1) {
      const level = this.levels[this.currentLocalityIndex]!;
      const moreTasks =
        level === TaskLocality.PROCESS_LOCAL
          ? p.anyPending(p.forExecutor)
          : level === TaskLocality.NODE_LOCAL
            ? p.anyPending(p.forHost)
            : p.hasPending(p.noPrefs);
      if (!moreTasks) {
        // SPARK-4939: nothing left at this level, so do not wait for it.
        this.lastLocalityWaitResetTime = now;
        this.currentLocalityIndex++;
      } else if (now - this.lastLocalityWaitResetTime >= this.localityWaits[this.currentLocalityIndex]!) {
        // Advance by exactly one wait so the next level's timer does not expire at once.
        this.lastLocalityWaitResetTime += this.localityWaits[this.currentLocalityIndex]!;
        this.currentLocalityIndex++;
      } else {
        return level;
      }
    }
    return this.levels[this.currentLocalityIndex]!;
  }

  /** Restart the wait; with `minLocality`, go back to the level of the most local task just launched. */
  resetDelayScheduleTimer(minLocality?: TaskLocality): void {
    this.lastLocalityWaitResetTime = this.clock.now();
    if (minLocality !== undefined) this.currentLocalityIndex = this.getLocalityIndex(minLocality);
  }

  handleSuccessfulTask(taskId: number, result: DirectTaskResult): void {
    const info = this.taskInfos.get(taskId);
    if (info === undefined || isFinished(info)) return; // duplicate report (SPARK-37300)
    const index = info.index;
    if (this.successful[index] === 1 && this.killedByOtherAttempt.has(taskId)) {
      this.handleFailedTask(taskId, 'KILLED', {
        kind: 'killed',
        reason: 'Finish but did not commit due to another attempt succeeded',
      });
      return;
    }
    this.markFinished(info, 'FINISHED');
    if (this.running.delete(taskId)) this.parent?.adjustRunningTasks(-1);
    this.copiesRunning[index]!--;
    // Other attempts of this index are now useless.
    for (const attempt of this.taskAttempts[index] ?? []) {
      if (isFinished(attempt)) continue;
      this.killedByOtherAttempt.add(attempt.taskId);
      this.sched.killTask(attempt.taskId, attempt.executorId, true, 'another attempt succeeded');
    }
    if (this.successful[index] === 0) {
      this.successful[index] = 1;
      this.successCount++;
      this.numFailures[index] = 0;
      if (this.successCount === this.numTasks) this.zombie = true;
    }
    this.sched.listener.taskEnded(this.tasks[index]!, { kind: 'success' }, result, info);
    this.maybeFinishTaskSet();
  }

  handleFailedTask(taskId: number, state: 'FAILED' | 'KILLED' | 'LOST', reason: TaskEndReason): void {
    const info = this.taskInfos.get(taskId);
    if (info === undefined || isFinished(info)) return;
    if (this.running.delete(taskId)) this.parent?.adjustRunningTasks(-1);
    this.markFinished(info, state === 'KILLED' ? 'KILLED' : 'FAILED');
    const index = info.index;
    this.copiesRunning[index]!--;
    if (reason.kind === 'fetch-failed') {
      // The DAG scheduler re-runs the parent stage and then this one; never retry it here.
      if (this.successful[index] === 0) {
        this.successful[index] = 1;
        this.successCount++;
      }
      this.zombie = true;
    }
    this.sched.listener.taskEnded(this.tasks[index]!, reason, undefined, info);
    if (!this.zombie && reason.kind === 'exception' && reason.deterministic) {
      this.abort(
        `Task ${index} in stage ${this.id} failed with an error that every attempt would repeat, so it was not retried: ` +
          `Lost task ${index}.${info.attemptNumber} in stage ${this.id} (TID ${taskId}) (${info.host} executor ${info.executorId}): ` +
          describeTaskEndReason(reason),
      );
      return;
    }
    if (!this.zombie && countsTowardsTaskFailures(reason)) {
      this.numFailures[index]!++;
      if (this.numFailures[index]! >= this.maxTaskFailures) {
        const failure =
          `Lost task ${index}.${info.attemptNumber} in stage ${this.id} (TID ${taskId}) ` +
          `(${info.host} executor ${info.executorId}): ${describeTaskEndReason(reason)}`;
        this.abort(
          `Task ${index} in stage ${this.id} failed ${this.maxTaskFailures} times, most recent failure: ${failure}`,
        );
        return;
      }
    }
    if (this.successful[index] === 0 && !this.zombie) this.addPendingTask(index);
    this.maybeFinishTaskSet();
  }

  /** Give up on the task set: it launches nothing more and the listener hears why. */
  abort(message: string): void {
    // Zombie first: the listener may re-enter (e.g. cancel the stage) and must see it aborted.
    this.zombie = true;
    this.sched.listener.taskSetFailed(this.taskSet, message);
    this.maybeFinishTaskSet();
  }

  /** Stop launching (a newer attempt of the stage exists, or it was cancelled); running tasks may finish. */
  markZombie(): void {
    this.zombie = true;
    this.maybeFinishTaskSet();
  }

  executorAdded(): void {
    this.recomputeLocality();
  }

  executorLost(executorId: string, host: string, reason: ExecutorLossReason): void {
    // Without an external shuffle service a lost executor takes its map outputs with it.
    if (this.isShuffleMapTasks && !this.zombie) {
      for (const info of this.taskInfos.values()) {
        if (info.executorId !== executorId || !info.successful || this.successful[info.index] === 0) continue;
        this.successful[info.index] = 0;
        this.successCount--;
        this.addPendingTask(info.index);
        // So the DAG scheduler does not count the stage as done after numTasks successes.
        this.sched.listener.taskEnded(this.tasks[info.index]!, { kind: 'resubmitted' }, undefined, info);
      }
    }
    for (const taskId of this.runningTaskIds()) {
      const info = this.taskInfos.get(taskId)!;
      if (info.executorId !== executorId) continue;
      this.handleFailedTask(taskId, 'FAILED', {
        kind: 'executor-lost',
        executorId,
        exitCausedByApp: reason.exitCausedByApp,
        reason: reason.message,
      });
    }
    this.recomputeLocality();
  }

  /** Recompute valid levels after executors come or go; jump to a newly valid more-local level (SPARK-31837). */
  recomputeLocality(): void {
    if (this.zombie) return;
    const previousIndex = this.currentLocalityIndex;
    const previousLevel = this.levels[previousIndex]!;
    const previousLevels = this.levels;
    this.levels = this.computeValidLocalityLevels();
    this.localityWaits = this.levels.map((l) => this.localityWait(l));
    this.currentLocalityIndex = this.getLocalityIndex(previousLevel);
    if (this.currentLocalityIndex > previousIndex) {
      const added = this.levels.find((l) => !previousLevels.includes(l));
      if (added !== undefined) this.currentLocalityIndex = this.getLocalityIndex(added);
    }
  }

  private addPendingTask(index: number): void {
    this.pending.add(index, this.tasks[index]!.preferredLocations);
  }

  private computeValidLocalityLevels(): TaskLocality[] {
    const levels: TaskLocality[] = [];
    const p = this.pending;
    if (someKey(p.forExecutor, (id) => this.sched.isExecutorAlive(id))) levels.push(TaskLocality.PROCESS_LOCAL);
    if (someKey(p.forHost, (h) => this.sched.hasExecutorsAliveOnHost(h))) levels.push(TaskLocality.NODE_LOCAL);
    if (p.hasPending(p.noPrefs)) levels.push(TaskLocality.NO_PREF);
    levels.push(TaskLocality.ANY);
    return levels;
  }

  private localityWait(level: TaskLocality): number {
    switch (level) {
      case TaskLocality.PROCESS_LOCAL:
        return this.waitProcess;
      case TaskLocality.NODE_LOCAL:
        return this.waitNode;
      case TaskLocality.RACK_LOCAL:
        return this.waitRack;
      default:
        return 0;
    }
  }

  /** Index of the first valid level at least as distant as `locality`. */
  private getLocalityIndex(locality: TaskLocality): number {
    let index = 0;
    while (locality > this.levels[index]!) index++;
    return index;
  }

  private prepareLaunchingTask(
    index: number,
    locality: TaskLocality,
    executorId: string,
    host: string,
    now: number,
  ): TaskDescription {
    const task = this.tasks[index]!;
    const taskId = this.sched.newTaskId();
    this.copiesRunning[index]!++;
    const attempts = (this.taskAttempts[index] ??= []);
    const attemptNumber = attempts.length;
    const info: TaskInfo = {
      taskId,
      index,
      attemptNumber,
      partition: task.partition,
      stageId: this.taskSet.stageId,
      stageAttemptId: this.taskSet.stageAttemptId,
      executorId,
      host,
      locality: localityName(locality),
      launchTime: now,
      finishTime: 0,
      successful: false,
      failed: false,
      killed: false,
    };
    attempts.push(info);
    this.taskInfos.set(taskId, info);
    this.running.add(taskId);
    this.parent?.adjustRunningTasks(1);
    return {
      taskId,
      attemptNumber,
      executorId,
      name: `task ${index}.${attemptNumber} in stage ${this.id}`,
      index,
      kind: task.kind,
      stageId: this.taskSet.stageId,
      stageAttemptId: this.taskSet.stageAttemptId,
      partition: task.partition,
      outputId: task.outputId,
      jobId: task.jobId,
      epoch: task.epoch,
      binaryId: this.taskSet.binaryId,
    };
  }

  private markFinished(info: TaskInfo, state: 'FINISHED' | 'FAILED' | 'KILLED'): void {
    info.finishTime = this.clock.now();
    info.successful = state === 'FINISHED';
    info.failed = state === 'FAILED';
    info.killed = state === 'KILLED';
  }

  private maybeFinishTaskSet(): void {
    if (this.zombie && this.running.size === 0 && !this.finishReported) {
      this.finishReported = true;
      this.sched.taskSetFinished(this);
    }
  }
}

/** finishTime cannot tell (a ManualClock may read 0), so use the end flags. */
function isFinished(info: TaskInfo): boolean {
  return info.successful || info.failed || info.killed;
}

function someKey(map: Map<string, unknown>, predicate: (key: string) => boolean): boolean {
  for (const key of map.keys()) if (predicate(key)) return true;
  return false;
}
