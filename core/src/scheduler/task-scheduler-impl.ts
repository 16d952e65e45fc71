/*
 * Kindling's task scheduler, as Spark's TaskSchedulerImpl, with FIFO or FAIR pools.
 *
 * Not implemented (out of scope): speculative execution, exclude-on-failure ("blacklisting"),
 * barrier task sets, rack locality,
 * resource profiles and custom resources. Results arrive decoded in statusUpdate, so there is no
 * result-getter pool.
 */
import type { KindlingConf } from '../conf/kindling-conf.js';
import { ConfigError, IllegalArgumentError, IllegalStateError } from '../errors.js';
import { SystemClock, type Clock } from '../util/clock.js';
import type { ExecutorLossReason } from './executor-loss-reason.js';
import type { SchedulerBackend } from './scheduler-backend.js';
import type { TaskDescription } from './task-description.js';
import { TaskLocality } from './task-locality.js';
import type { TaskSchedulerListener } from './task-scheduler-listener.js';
import type { TaskSchedulerPort } from './task-scheduler-port.js';
import { TaskSetManager, type TaskSetManagerScheduler } from './task-set-manager.js';
import type { TaskSet } from './task-set.js';
import type { TaskStatusUpdate } from './task-status-update.js';
import type { WorkerOffer } from './worker-offer.js';
import type { PoolAllocation } from './pool-allocations.js';
import { schedulingModeOf } from './pool-allocations.js';
import type { Pool } from './pool.js';
import { SchedulableBuilder } from './schedulable-builder.js';

export interface TaskSchedulerOptions {
  /** kindling.task.maxFailures for clusters (4); 1 for local[N], F for local[N,F]. */
  maxTaskFailures: number;
  isLocal: boolean;
  clock?: Clock;
  /** FAIR pools from kindling.scheduler.allocation.file (see loadPoolAllocations); FIFO ignores them. */
  pools?: readonly PoolAllocation[];
}

export class TaskSchedulerImpl implements TaskSchedulerPort {
  readonly maxTaskFailures: number;
  readonly isLocal: boolean;
  private readonly clock: Clock;
  private readonly taskCpus: number;
  private backend?: SchedulerBackend;
  private listener?: TaskSchedulerListener;
  private nextTaskId = 0;
  private stopped = false;
  /** Every live manager (zombies too, until their tasks end), in submission order. */
  private readonly managers = new Set<TaskSetManager>();
  private readonly poolOf = new Map<TaskSetManager, Pool>();
  private readonly builder: SchedulableBuilder;
  /** Set by error(): no task set can run any more, so new ones are aborted at once instead of waiting. */
  private fatalError: string | undefined;
  private hasLaunchedTask = false;
  private starvationTimer: NodeJS.Timeout | undefined;
  private readonly taskSetsByStageIdAndAttempt = new Map<number, Map<number, TaskSetManager>>();
  private readonly taskIdToTaskSetManager = new Map<number, TaskSetManager>();
  private readonly taskIdToExecutorId = new Map<number, string>();
  private readonly executorIdToRunningTaskIds = new Map<string, Set<number>>();
  private readonly executorIdToHost = new Map<string, string>();
  private readonly hostToExecutors = new Map<string, Set<string>>();
  /** Executors the listener has heard about through executorAdded. */
  private readonly announcedExecutors = new Set<string>();
  /** Per manager: no delay-scheduling reject since its timer was last reset (SPARK-18886). */
  private readonly noRejectsSinceLastReset = new Map<TaskSetManager, boolean>();
  /** The view TaskSetManagers get of this scheduler. */
  private readonly managerView: TaskSetManagerScheduler;

  constructor(
    private readonly conf: KindlingConf,
    options: TaskSchedulerOptions,
  ) {
    if (!Number.isInteger(options.maxTaskFailures) || options.maxTaskFailures < 1) {
      throw new IllegalArgumentError(`maxTaskFailures must be a positive integer, got ${options.maxTaskFailures}`);
    }
    this.maxTaskFailures = options.maxTaskFailures;
    this.isLocal = options.isLocal;
    this.clock = options.clock ?? new SystemClock();
    this.taskCpus = conf.getInt('kindling.task.cpus', 1);
    if (this.taskCpus < 1) throw new ConfigError(`kindling.task.cpus must be at least 1, got ${this.taskCpus}`);
    this.builder = new SchedulableBuilder(schedulingModeOf(conf), options.pools);
    const self = this;
    this.managerView = {
      get listener() {
        return self.requireListener();
      },
      newTaskId: () => this.nextTaskId++,
      isExecutorAlive: (id) => this.executorIdToHost.has(id),
      hasExecutorsAliveOnHost: (host) => this.hostToExecutors.has(host),
      killTask: (tid, execId, interrupt, reason) => this.requireBackend().killTask(tid, execId, interrupt, reason),
      taskSetFinished: (manager) => this.taskSetFinished(manager),
    };
  }

  setBackend(backend: SchedulerBackend): void {
    this.backend = backend;
  }

  setListener(listener: TaskSchedulerListener): void {
    this.listener = listener;
  }

  submitTasks(taskSet: TaskSet): void {
    if (this.stopped) throw new IllegalStateError('Cannot submit tasks: the task scheduler is stopped');
    const backend = this.requireBackend();
    this.requireListener();
    const manager = new TaskSetManager(this.managerView, taskSet, this.maxTaskFailures, this.clock, this.conf);
    // At most one active attempt per stage: older attempts stop launching but may finish running tasks.
    const older = this.taskSetsByStageIdAndAttempt.get(taskSet.stageId);
    if (older !== undefined) for (const other of [...older.values()]) other.markZombie();
    let attempts = this.taskSetsByStageIdAndAttempt.get(taskSet.stageId);
    if (attempts === undefined) this.taskSetsByStageIdAndAttempt.set(taskSet.stageId, (attempts = new Map()));
    attempts.set(taskSet.stageAttemptId, manager);
    this.managers.add(manager);
    this.poolOf.set(manager, this.builder.addTaskSetManager(manager, taskSet.properties));
    if (manager.numTasks === 0) manager.markZombie();
    if (this.fatalError !== undefined) {
      manager.abort(this.fatalError);
      return;
    }
    this.watchForStarvation();
    backend.reviveOffers();
  }

  /**
   * Spark's starvation warning: on a cluster, until the first task launches, warn every
   * kindling.starvation.timeout (15s) that the job has no resources, so a wait is never silent.
   */
  private watchForStarvation(): void {
    if (this.isLocal || this.hasLaunchedTask || this.starvationTimer) return;
    const every = this.conf.getTimeMs('kindling.starvation.timeout', '15s');
    this.starvationTimer = setInterval(() => {
      process.emitWarning(
        'Initial job has not accepted any resources; check that executors are registered and have sufficient resources',
        { code: 'KINDLING_STARVATION' },
      );
    }, every);
    this.starvationTimer.unref();
  }

  private launchedAnyTask(): void {
    this.hasLaunchedTask = true;
    if (this.starvationTimer) clearInterval(this.starvationTimer);
    this.starvationTimer = undefined;
  }

  /** Kill the stage's running attempts and stop all its task sets from launching more. */
  cancelTasks(stageId: number, reason: string): void {
    const attempts = this.taskSetsByStageIdAndAttempt.get(stageId);
    if (attempts === undefined) return;
    const managers = [...attempts.values()];
    // Zombies first, so a slot a kill frees (local backends report KILLED at once) cannot relaunch
    // the killed index. Not abort(): the caller (the DAG scheduler) already knows.
    const running = managers.map((manager) => ({ manager, tids: manager.runningTaskIds() }));
    for (const manager of managers) manager.markZombie();
    for (const { manager, tids } of running) {
      const interrupt = manager.taskSet.properties?.['kindling.job.interruptOnCancel'] === 'true';
      for (const tid of tids) {
        const execId = this.taskIdToExecutorId.get(tid);
        if (execId !== undefined) this.requireBackend().killTask(tid, execId, interrupt, `Stage cancelled: ${reason}`);
      }
    }
  }

  /**
   * The cluster manager cannot run this application any more (Spark's TaskSchedulerImpl.error):
   * every active task set is aborted, so every running job fails with `message`.
   */
  error(message: string): void {
    this.fatalError = message;
    for (const manager of [...this.managers]) if (!manager.isZombie) manager.abort(message);
  }

  /** Aborts the task set of a launched task; used when a backend cannot send the task. */
  abortTaskSetOf(taskId: number, message: string): void {
    this.taskIdToTaskSetManager.get(taskId)?.abort(message);
  }

  killTaskAttempt(taskId: number, reason: string): boolean {
    const execId = this.taskIdToExecutorId.get(taskId);
    if (execId === undefined) return false;
    this.requireBackend().killTask(taskId, execId, true, reason);
    return true;
  }

  resourceOffers(offers: WorkerOffer[], isAllFreeResources = true): TaskDescription[] {
    if (this.stopped) return [];
    let newExecAvail = false;
    for (const o of offers) {
      if (!this.executorIdToHost.has(o.executorId)) {
        this.registerExecutor(o.executorId, o.host);
        newExecAvail = true;
      }
    }
    if (newExecAvail) for (const manager of this.managers) manager.executorAdded();
    if (this.managers.size === 0) return [];
    // Shuffle to spread load across executors.
    const shuffled = offers.length > 1 ? shuffle(offers.slice()) : offers;
    const availableCpus = shuffled.map((o) => o.cores);
    const launched: TaskDescription[] = [];
    // Sorted once per round, as in Spark; a snapshot, since listener callbacks may submit or cancel task sets.
    for (const manager of this.builder.rootPool.getSortedTaskSetQueue()) {
      if (!manager.isSchedulable()) continue;
      let launchedAny = false;
      let noDelayRejects = true;
      let minLocality: TaskLocality | undefined;
      for (const maxLocality of manager.myLocalityLevels) {
        // Sweep the offers again while the last sweep launched something at this level.
        for (;;) {
          const r = this.resourceOfferSingleTaskSet(manager, maxLocality, shuffled, availableCpus, launched);
          noDelayRejects &&= r.noDelayRejects;
          if (r.minLocality === undefined) break;
          launchedAny = true;
          if (minLocality === undefined || r.minLocality < minLocality) minLocality = r.minLocality;
        }
      }
      // Reset the locality timer only if this set is not holding out for better locality (SPARK-18886).
      if (!noDelayRejects) {
        this.noRejectsSinceLastReset.set(manager, false);
      } else if (launchedAny && (isAllFreeResources || (this.noRejectsSinceLastReset.get(manager) ?? true))) {
        manager.resetDelayScheduleTimer(minLocality);
        this.noRejectsSinceLastReset.set(manager, true);
      }
    }
    return launched;
  }

  statusUpdate(taskId: number, update: TaskStatusUpdate): void {
    const manager = this.taskIdToTaskSetManager.get(taskId);
    // Unknown: its task set is gone or the attempt already ended.
    if (manager === undefined || update.state === 'RUNNING') return;
    this.cleanupTaskState(taskId);
    if (update.state === 'FINISHED') {
      manager.handleSuccessfulTask(taskId, update.result);
      return;
    }
    manager.handleFailedTask(taskId, update.state, update.reason);
    // The failed index is pending again: get it offered soon.
    if (!manager.isZombie && !manager.someAttemptSucceeded(taskId)) this.backend?.reviveOffers();
  }

  executorAdded(executorId: string, host: string, cores: number): void {
    if (!this.executorIdToHost.has(executorId)) {
      this.registerExecutor(executorId, host);
      for (const manager of this.managers) manager.executorAdded();
    }
    if (this.listener !== undefined && !this.announcedExecutors.has(executorId)) {
      this.announcedExecutors.add(executorId);
      this.listener.executorAdded(executorId, host, cores);
    }
  }

  executorLost(executorId: string, reason: ExecutorLossReason): void {
    const host = this.executorIdToHost.get(executorId);
    if (host === undefined) return; // already removed
    // Forget the executor first so managers recompute locality without it.
    for (const tid of this.executorIdToRunningTaskIds.get(executorId) ?? []) this.cleanupTaskState(tid);
    this.executorIdToRunningTaskIds.delete(executorId);
    this.executorIdToHost.delete(executorId);
    this.announcedExecutors.delete(executorId);
    const onHost = this.hostToExecutors.get(host);
    onHost?.delete(executorId);
    if (onHost?.size === 0) this.hostToExecutors.delete(host);
    for (const manager of [...this.managers]) manager.executorLost(executorId, host, reason);
    this.listener?.executorLost(executorId, host, reason);
    this.backend?.reviveOffers();
  }

  isExecutorAlive(executorId: string): boolean {
    return this.executorIdToHost.has(executorId);
  }

  executorHost(executorId: string): string | undefined {
    return this.executorIdToHost.get(executorId);
  }

  hasRunningTasksOn(executorId: string): boolean {
    return (this.executorIdToRunningTaskIds.get(executorId)?.size ?? 0) > 0;
  }

  /** FIFO or FAIR, from kindling.scheduler.mode. */
  get schedulingMode(): 'FIFO' | 'FAIR' {
    return this.builder.mode;
  }

  /** The root of the pool tree (tests and status reports read running-task counts from it). */
  get rootPool(): Pool {
    return this.builder.rootPool;
  }

  defaultParallelism(): number {
    return this.requireBackend().defaultParallelism();
  }

  /** The manager of one stage attempt while it is live (for the DAG scheduler and tests). */
  taskSetManagerForAttempt(stageId: number, stageAttemptId: number): TaskSetManager | undefined {
    return this.taskSetsByStageIdAndAttempt.get(stageId)?.get(stageAttemptId);
  }

  /**
   * Stop scheduling: later offers launch nothing and later submissions throw. The backend is not
   * stopped here; its owner awaits backend.stop().
   */
  stop(): void {
    this.stopped = true;
    this.launchedAnyTask();
    for (const manager of this.managers) this.poolOf.get(manager)?.remove(manager);
    this.managers.clear();
    this.poolOf.clear();
    this.taskSetsByStageIdAndAttempt.clear();
    this.taskIdToTaskSetManager.clear();
    this.taskIdToExecutorId.clear();
    this.noRejectsSinceLastReset.clear();
  }

  private resourceOfferSingleTaskSet(
    manager: TaskSetManager,
    maxLocality: TaskLocality,
    offers: readonly WorkerOffer[],
    availableCpus: number[],
    launched: TaskDescription[],
  ): { noDelayRejects: boolean; minLocality: TaskLocality | undefined } {
    let noDelayRejects = true;
    let minLocality: TaskLocality | undefined;
    for (let i = 0; i < offers.length; i++) {
      if (availableCpus[i]! < this.taskCpus) continue;
      const offer = offers[i]!;
      const { task, rejectedDueToDelay } = manager.resourceOffer(offer.executorId, offer.host, maxLocality);
      if (rejectedDueToDelay) noDelayRejects = false;
      if (task === undefined) continue;
      availableCpus[i]! -= this.taskCpus;
      launched.push(task);
      this.taskIdToTaskSetManager.set(task.taskId, manager);
      this.taskIdToExecutorId.set(task.taskId, offer.executorId);
      this.executorIdToRunningTaskIds.get(offer.executorId)?.add(task.taskId);
      const info = manager.getTaskInfo(task.taskId)!;
      const locality = TaskLocality[info.locality];
      if (minLocality === undefined || locality < minLocality) minLocality = locality;
      // Registered before notifying, so the listener may already kill the attempt.
      this.launchedAnyTask();
      this.requireListener().taskStarted(manager.taskSet.tasks[task.index]!, info);
    }
    return { noDelayRejects, minLocality };
  }

  private registerExecutor(executorId: string, host: string): void {
    this.executorIdToHost.set(executorId, host);
    this.executorIdToRunningTaskIds.set(executorId, new Set());
    let execs = this.hostToExecutors.get(host);
    if (execs === undefined) this.hostToExecutors.set(host, (execs = new Set()));
    execs.add(executorId);
  }

  private cleanupTaskState(taskId: number): void {
    this.taskIdToTaskSetManager.delete(taskId);
    const execId = this.taskIdToExecutorId.get(taskId);
    if (execId === undefined) return;
    this.taskIdToExecutorId.delete(taskId);
    this.executorIdToRunningTaskIds.get(execId)?.delete(taskId);
  }

  private taskSetFinished(manager: TaskSetManager): void {
    const { stageId, stageAttemptId } = manager.taskSet;
    const attempts = this.taskSetsByStageIdAndAttempt.get(stageId);
    if (attempts?.get(stageAttemptId) === manager) {
      attempts.delete(stageAttemptId);
      if (attempts.size === 0) this.taskSetsByStageIdAndAttempt.delete(stageId);
    }
    this.managers.delete(manager);
    this.poolOf.get(manager)?.remove(manager);
    this.poolOf.delete(manager);
    this.noRejectsSinceLastReset.delete(manager);
  }

  private requireBackend(): SchedulerBackend {
    if (this.backend === undefined) throw new IllegalStateError('TaskSchedulerImpl has no backend; call setBackend() first');
    return this.backend;
  }

  private requireListener(): TaskSchedulerListener {
    if (this.listener === undefined) throw new IllegalStateError('TaskSchedulerImpl has no listener; call setListener() first');
    return this.listener;
  }
}

/** Fisher-Yates, in place. */
function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
