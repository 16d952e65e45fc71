import * as v8 from 'node:v8';
import type { KindlingConf } from '../conf/kindling-conf.js';
import { deserializeError, JobCancelledError, JobFailedError, TaskFailedError, type JobCancelledBy, type SerializedError } from '../errors.js';
import type { ListenerBus } from '../listener/listener-bus.js';
import type { ShuffleDependency } from '../rdd/dependency.js';
import type { RDD } from '../rdd/rdd.js';
import type { ResultSpec } from '../rdd/result-spec.js';
import type { AccumulatorRegistry } from '../shared/accumulator-registry.js';
import type { BlockManagerMaster } from './block-manager-master.js';
import type { ExecutorLossReason } from './executor-loss-reason.js';
import type { MapOutputTracker } from './map-output-tracker.js';
import { buildStagePlan } from './stage-plan.js';
import { ResultStage, ShuffleMapStage, type ActiveJob, type Stage } from './stage.js';
import type { Task } from './task.js';
import type { TaskEndReason } from './task-end-reason.js';
import type { TaskInfo } from './task-info.js';
import type { DirectTaskResult, MapStatus } from './task-result.js';
import type { TaskSchedulerListener } from './task-scheduler-listener.js';
import type { TaskSet } from './task-set.js';
import type { TaskBinaryRegistry } from './task-binary-registry.js';
import { StageGraph } from './stage-graph.js';
import { preferredLocations } from './preferred-locations.js';
import { stageEvent, taskEvent } from './scheduler-events.js';
import { addResultBytes } from './result-size-limit.js';
import type { ExecutorAddressBook } from '../cluster/executor-address-book.js';
import { describeAbortReason, jobCancelledError, jobEndEvent, JOB_GROUP_PROPERTY, type JobOptions } from './job-options.js';
import { SchedulableBuilder } from './schedulable-builder.js';

/** What the DAG scheduler needs from the task scheduler. */
export interface TaskSubmitter {
  submitTasks(taskSet: TaskSet): void;
  cancelTasks(stageId: number, reason: string): void;
}

/** Spark's RESUBMIT_TIMEOUT: batches the burst of fetch failures from one lost node. */
const RESUBMIT_TIMEOUT_MS = 200;

/**
 * Turns jobs into stages and stages into task sets (Spark's DAGScheduler). All events are
 * handled one at a time through a queue, so handlers never re-enter each other.
 */
export class DAGScheduler implements TaskSchedulerListener {
  private nextJobId = 0;
  private readonly graph: StageGraph;
  private readonly waiting = new Set<Stage>();
  private readonly running = new Set<Stage>();
  private readonly failed = new Set<Stage>();
  private readonly activeJobs = new Map<number, ActiveJob>();
  /** Executor -> map-output epoch at which it was lost; later results from it are suspect. */
  private readonly failedEpoch = new Map<string, number>();
  /** Most recent task exception per stage, attached to the job failure as its cause. */
  private readonly lastTaskError = new Map<number, SerializedError>();
  private readonly queue: Array<() => void> = [];
  private draining = false;
  private resubmitTimer: NodeJS.Timeout | undefined;
  private readonly maxConsecutiveAttempts: number;
  private readonly maxResultBytes: number;
  /** Why an executor was added (dynamic allocation's request), for onExecutorAdded. */
  executorAddReason: ((executorId: string) => string | undefined) | undefined;

  constructor(
    private readonly conf: KindlingConf,
    private readonly taskScheduler: TaskSubmitter,
    private readonly tracker: MapOutputTracker,
    private readonly blocks: BlockManagerMaster,
    private readonly bus: ListenerBus,
    private readonly binaries: TaskBinaryRegistry,
    private readonly accumulators: AccumulatorRegistry,
    private readonly addresses: ExecutorAddressBook,
  ) {
    this.graph = new StageGraph(tracker);
    this.maxConsecutiveAttempts = conf.getInt('kindling.stage.maxConsecutiveAttempts', 4);
    this.maxResultBytes = conf.getSizeBytes('kindling.driver.maxResultSize', '1g');
  }

  /** Runs `spec` on `partitions` of `rdd`; resolves with one result per partition. */
  runJob(rdd: RDD<unknown>, spec: ResultSpec, partitions: number[], options: JobOptions = {}): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      this.post(() => this.handleJobSubmitted(rdd, spec, partitions, options, resolve, reject));
    });
  }

  /** Cancels every active job; `reason` completes "Job N cancelled because ...". */
  cancelAllJobs(reason: string, cancelledBy: JobCancelledBy = 'cancelAllJobs'): void {
    this.cancelWhere(() => true, `because ${reason}`, cancelledBy);
  }

  /** Cancels the active jobs of a job group (Spark's cancelJobGroup). */
  cancelJobGroup(groupId: string, reason?: string): void {
    const detail = `as part of cancelled job group ${groupId} (by kc.cancelJobGroup${reason ? `: ${reason}` : ''})`;
    this.cancelWhere((job) => job.properties[JOB_GROUP_PROPERTY] === groupId, detail, 'cancelJobGroup');
  }

  /** Cancels one job; `detail` completes "Job N cancelled ..." and says who asked. */
  cancelJob(jobId: number, cancelledBy: JobCancelledBy, detail: string, cause?: unknown): void {
    this.cancelWhere((job) => job.jobId === jobId, detail, cancelledBy, cause);
  }

  private cancelWhere(match: (job: ActiveJob) => boolean, detail: string, cancelledBy: JobCancelledBy, cause?: unknown): void {
    this.post(() => {
      for (const job of [...this.activeJobs.values()]) if (match(job)) this.failJob(job, jobCancelledError(job.jobId, job.properties, detail, cancelledBy, cause));
    });
  }

  /** Shuffles an active job still needs (dynamic allocation keeps the executors holding them). */
  activeShuffleIds(): Set<number> {
    const ids = new Set<number>();
    for (const job of this.activeJobs.values()) {
      for (const stage of this.graph.stagesOfJob(job.finalStage)) if (stage instanceof ShuffleMapStage) ids.add(stage.shuffleDep.shuffleId);
    }
    return ids;
  }

  stop(): void {
    if (this.resubmitTimer) clearTimeout(this.resubmitTimer);
  }

  // ---- TaskSchedulerListener: every callback is queued ----

  taskStarted(task: Task, info: TaskInfo): void {
    this.post(() => this.bus.post('onTaskStart', taskEvent(info, undefined)));
  }

  taskEnded(task: Task, reason: TaskEndReason, result: DirectTaskResult | undefined, info: TaskInfo): void {
    this.post(() => this.handleTaskCompletion(task, reason, result, info));
  }

  taskSetFailed(taskSet: TaskSet, reason: string): void {
    this.post(() => {
      const stage = this.graph.stage(taskSet.stageId);
      if (stage) this.abortStage(stage, reason);
    });
  }

  executorAdded(executorId: string, host: string, cores: number): void {
    this.post(() => {
      this.failedEpoch.delete(executorId);
      const reason = this.executorAddReason?.(executorId);
      this.bus.post('onExecutorAdded', { executorId, host, cores, time: Date.now(), ...(reason ? { reason } : {}) });
    });
  }

  executorLost(executorId: string, host: string, reason: ExecutorLossReason): void {
    this.post(() => {
      this.removeExecutorOutputs(executorId, reason.workerLost ? host : undefined);
      this.bus.post('onExecutorRemoved', { executorId, host, cores: 0, reason: reason.message, time: Date.now() });
      this.submitWaitingStages();
    });
  }

  // ---- event loop ----

  private post(event: () => void): void {
    this.queue.push(event);
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const next = this.queue.shift()!;
        try {
          next();
        } catch (e) {
          // An error in the scheduler itself fails every job instead of wedging them.
          for (const job of [...this.activeJobs.values()]) this.failJob(job, e as Error);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  // ---- jobs ----

  private handleJobSubmitted(
    rdd: RDD<unknown>,
    spec: ResultSpec,
    partitions: number[],
    options: JobOptions,
    resolve: (r: unknown[]) => void,
    reject: (e: Error) => void,
  ): void {
    const jobId = this.nextJobId++;
    const properties = options.properties ?? {};
    const signal = options.signal;
    let finalStage: ResultStage;
    try {
      if (signal?.aborted) throw jobCancelledError(jobId, properties, `before it started by its AbortSignal: ${describeAbortReason(signal)}`, 'signal', signal.reason);
      finalStage = this.graph.createResultStage(rdd, spec, partitions, jobId);
    } catch (e) {
      this.bus.post('onJobStart', { jobId, stageIds: [], properties, time: Date.now() });
      this.bus.post('onJobEnd', jobEndEvent(jobId, e as Error));
      reject(e as Error);
      return;
    }
    const job: ActiveJob = {
      jobId,
      finalStage,
      partitions,
      finished: new Array(partitions.length).fill(false),
      results: new Array(partitions.length),
      numFinished: 0,
      resultBytes: 0,
      properties,
      resolve,
      reject,
    };
    finalStage.job = job;
    this.activeJobs.set(jobId, job);
    if (signal) {
      const onAbort = () => this.cancelJob(jobId, 'signal', `by its AbortSignal: ${describeAbortReason(signal)}`, signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      job.detach = () => signal.removeEventListener('abort', onAbort);
    }
    const stageIds = this.graph.stagesOfJob(finalStage).map((s) => s.id).sort((a, b) => a - b);
    this.bus.post('onJobStart', { jobId, stageIds, properties, time: Date.now() });
    if (partitions.length === 0) {
      this.finishJob(job);
      return;
    }
    this.submitStage(finalStage);
  }

  private finishJob(job: ActiveJob): void {
    this.cleanupJob(job);
    this.bus.post('onJobEnd', jobEndEvent(job.jobId));
    job.resolve(job.results);
  }

  private failJob(job: ActiveJob, error: Error): void {
    if (!this.activeJobs.has(job.jobId)) return;
    for (const stage of this.graph.stagesOfJob(job.finalStage)) {
      const onlyThisJob = [...stage.jobIds].every((id) => id === job.jobId || !this.activeJobs.has(id));
      if (onlyThisJob && this.running.has(stage)) {
        this.taskScheduler.cancelTasks(stage.id, `job ${job.jobId} failed`);
        this.markStageFinished(stage, error.message);
      }
      if (onlyThisJob) {
        this.waiting.delete(stage);
        this.failed.delete(stage);
      }
    }
    this.cleanupJob(job);
    this.bus.post('onJobEnd', jobEndEvent(job.jobId, error));
    job.reject(error);
  }

  private cleanupJob(job: ActiveJob): void {
    this.activeJobs.delete(job.jobId);
    job.detach?.();
    for (const stage of this.graph.stagesOfJob(job.finalStage)) stage.jobIds.delete(job.jobId);
    this.running.delete(job.finalStage);
    this.waiting.delete(job.finalStage);
    this.graph.forgetResultStage(job.finalStage);
    // The result stage is gone for good; drop its entry instead of keeping it forever.
    this.lastTaskError.delete(job.finalStage.id);
  }

  // ---- stages ----

  private activeJobFor(stage: Stage): number | undefined {
    let best: number | undefined;
    for (const id of stage.jobIds) if (this.activeJobs.has(id) && (best === undefined || id < best)) best = id;
    return best;
  }

  private submitStage(stage: Stage): void {
    const jobId = this.activeJobFor(stage);
    if (jobId === undefined) return;
    if (this.waiting.has(stage) || this.running.has(stage) || this.failed.has(stage)) return;
    const missing = this.graph.missingParentStages(stage, this.blocks).sort((a, b) => a.id - b.id);
    if (missing.length === 0) {
      this.submitMissingTasks(stage, jobId);
    } else {
      for (const parent of missing) this.submitStage(parent);
      this.waiting.add(stage);
    }
  }

  private submitMissingTasks(stage: Stage, jobId: number): void {
    const toCompute = stage.findMissingPartitions();
    const attemptId = stage.makeNewAttempt();
    // Exceptions from earlier attempts (maybe of an earlier job) cannot explain this attempt's abort.
    this.lastTaskError.delete(stage.id);
    this.running.add(stage);
    const properties = this.activeJobs.get(jobId)?.properties ?? {};
    stage.schedulingPool = SchedulableBuilder.poolName(properties);
    if (stage instanceof ShuffleMapStage) this.tracker.registerShuffle(stage.shuffleDep.shuffleId, stage.numTasks);
    this.bus.post('onStageSubmitted', stageEvent(stage));

    let binaryId: number;
    try {
      const plan = buildStagePlan(stage, attemptId, {
        tracker: this.tracker,
        addresses: this.addresses,
        cacheLocations: (rddId) => this.blocks.rddLocations(rddId),
      });
      binaryId = this.binaries.add(v8.serialize(plan), { stageId: stage.id, attemptId });
    } catch (e) {
      this.abortStage(stage, `Task serialization failed: ${(e as Error).message}`);
      return;
    }
    const epoch = this.tracker.epoch;
    const tasks: Task[] = toCompute.map((id) => {
      const partition = stage instanceof ResultStage ? stage.partitions[id]! : id;
      return {
        kind: stage instanceof ResultStage ? 'result' : 'shuffle-map',
        stageId: stage.id,
        stageAttemptId: attemptId,
        partition,
        outputId: id,
        jobId,
        epoch,
        preferredLocations: preferredLocations(stage.rdd, partition, this.blocks),
      };
    });
    if (tasks.length === 0) {
      this.markStageFinished(stage);
      this.submitWaitingChildren(stage);
      return;
    }
    stage.pendingPartitions.clear();
    for (const t of tasks) stage.pendingPartitions.add(t.partition);
    this.taskScheduler.submitTasks({ stageId: stage.id, stageAttemptId: attemptId, priority: jobId, tasks, binaryId, properties });
  }

  private markStageFinished(stage: Stage, failureReason?: string): void {
    this.running.delete(stage);
    if (!failureReason) stage.failedAttemptIds.clear();
    this.binaries.releaseStage(stage.id, stage.latestAttemptId);
    this.bus.post('onStageCompleted', { ...stageEvent(stage), ...(failureReason ? { failureReason } : {}) });
  }

  private submitWaitingChildren(parent: Stage): void {
    const children = [...this.waiting].filter((s) => s.parents.includes(parent)).sort((a, b) => a.firstJobId - b.firstJobId);
    for (const child of children) {
      this.waiting.delete(child);
      this.submitStage(child);
    }
  }

  /** After outputs were lost, re-check waiting stages whose parents may need to run again. */
  private submitWaitingStages(): void {
    for (const stage of [...this.waiting].sort((a, b) => a.firstJobId - b.firstJobId)) {
      this.waiting.delete(stage);
      this.submitStage(stage);
    }
  }

  private abortStage(stage: Stage, reason: string): void {
    const error = new JobFailedError(`Job aborted due to stage failure: ${reason}`);
    const last = this.lastTaskError.get(stage.id);
    if (last) (error as { cause?: unknown }).cause = deserializeError(last);
    const jobs = [...this.activeJobs.values()].filter((job) => this.graph.stagesOfJob(job.finalStage).includes(stage));
    if (this.running.has(stage)) this.markStageFinished(stage, reason);
    for (const job of jobs) this.failJob(job, error);
  }


  // ---- task completion ----

  private handleTaskCompletion(task: Task, reason: TaskEndReason, result: DirectTaskResult | undefined, info: TaskInfo): void {
    this.bus.post('onTaskEnd', taskEvent(info, reason));
    const stage = this.graph.stage(task.stageId);
    if (!stage) return;
    switch (reason.kind) {
      case 'success':
        this.handleSuccess(stage, task, result!, info);
        return;
      case 'resubmitted':
        if (stage instanceof ShuffleMapStage) stage.pendingPartitions.add(task.partition);
        return;
      case 'fetch-failed':
        this.handleFetchFailed(stage, task, reason);
        return;
      case 'exception':
        this.lastTaskError.set(stage.id, reason.error);
        return;
      default:
        return;
    }
  }

  private handleSuccess(stage: Stage, task: Task, result: DirectTaskResult, info: TaskInfo): void {
    for (const u of result.blockUpdates) this.blocks.update(info.executorId, info.host, u);
    // A task that finished after its job was cancelled or failed leaves no accumulator updates.
    if (this.activeJobFor(stage) !== undefined) this.accumulators.merge(stage.id, task.partition, result.accumulatorUpdates);
    if (stage instanceof ResultStage) {
      const job = stage.job;
      if (!job || job.finished[task.outputId]) return;
      const tooLarge = addResultBytes(job, result, this.maxResultBytes);
      if (tooLarge) {
        this.abortStage(stage, tooLarge);
        return;
      }
      job.finished[task.outputId] = true;
      job.results[task.outputId] = result.value;
      job.numFinished++;
      if (job.numFinished === job.partitions.length) {
        this.markStageFinished(stage);
        this.finishJob(job);
      }
      return;
    }
    const map = stage as ShuffleMapStage;
    map.pendingPartitions.delete(task.partition);
    const status = result.value as MapStatus;
    const lostAt = this.failedEpoch.get(status.executorId);
    if (lostAt === undefined || task.epoch > lostAt) this.tracker.registerMapOutput(status);
    if (this.running.has(map) && map.pendingPartitions.size === 0) {
      this.markStageFinished(map);
      if (!map.isAvailable) {
        // Some outputs were lost while the stage ran: run the missing partitions again.
        this.submitStage(map);
      } else {
        this.submitWaitingChildren(map);
      }
    }
  }

  private handleFetchFailed(stage: Stage, task: Task, reason: Extract<TaskEndReason, { kind: 'fetch-failed' }>): void {
    if (task.stageAttemptId !== stage.latestAttemptId) return;
    const mapStage = this.graph.shuffleMapStage(reason.shuffleId);
    stage.failedAttemptIds.add(task.stageAttemptId);
    const message = `FetchFailed(executor ${reason.executorId}, shuffleId=${reason.shuffleId}, mapIndex=${reason.mapIndex}, reduceId=${reason.reduceId}): ${reason.message}`;
    if (this.running.has(stage)) {
      this.taskScheduler.cancelTasks(stage.id, 'a fetch failure will re-run its parent stage');
      this.markStageFinished(stage, message);
    }
    if (reason.mapIndex >= 0) this.tracker.unregisterMapOutput(reason.shuffleId, reason.mapIndex, reason.executorId);
    if (stage.failedAttemptIds.size >= this.maxConsecutiveAttempts) {
      this.abortStage(
        stage,
        `${stage} (${stage.name}) has failed the maximum allowable number of times: ${this.maxConsecutiveAttempts}. Most recent failure reason: ${message}`,
      );
      return;
    }
    this.failed.add(stage);
    // A map stage that is still running re-checks its outputs when it completes; queueing it too
    // would make the resubmission start an extra, empty attempt of it.
    if (mapStage && !this.running.has(mapStage)) this.failed.add(mapStage);
    // The executor that failed to serve blocks is treated as having lost its shuffle files.
    this.removeExecutorOutputs(reason.executorId, undefined, task.epoch);
    if (!this.resubmitTimer) {
      this.resubmitTimer = setTimeout(() => {
        this.resubmitTimer = undefined;
        this.post(() => this.resubmitFailedStages());
      }, RESUBMIT_TIMEOUT_MS);
      this.resubmitTimer.unref();
    }
  }

  private resubmitFailedStages(): void {
    const stages = [...this.failed].sort((a, b) => a.firstJobId - b.firstJobId);
    this.failed.clear();
    for (const stage of stages) this.submitStage(stage);
  }

  private removeExecutorOutputs(executorId: string, host: string | undefined, taskEpoch?: number): void {
    // Spark's guard: a burst of failures for one loss is processed once per epoch.
    const current = taskEpoch ?? this.tracker.epoch;
    const lostAt = this.failedEpoch.get(executorId);
    if (lostAt !== undefined && lostAt >= current) return;
    this.failedEpoch.set(executorId, current);
    this.blocks.removeExecutor(executorId);
    this.tracker.removeOutputsOn(host ? { host } : { executorId });
  }

  /** Exposed for the context: the shuffle dependency's stage exists only once a job used it. */
  shuffleDependencyOf(shuffleId: number): ShuffleDependency | undefined {
    return this.graph.shuffleMapStage(shuffleId)?.shuffleDep;
  }
}
