/*
 * Drives a real DAGScheduler without a task scheduler or executors, as Spark's DAGSchedulerSuite
 * does: a fake task submitter records the task sets, and tests play the task scheduler by
 * calling taskEnded / executorLost / taskSetFailed. The event queue runs synchronously inside
 * each call; only the fetch-failure resubmission waits (RESUBMIT_TIMEOUT, 200 ms) for real.
 */
import * as v8 from 'node:v8';
import { expect } from 'chai';
import { captureFunction } from '../closure/function-spec.js';
import { ExecutorAddressBook } from '../cluster/executor-address-book.js';
import { KindlingConf } from '../conf/kindling-conf.js';
import type { ExecutorEvent, JobEndEvent, JobStartEvent, KindlingListener, StageEvent, TaskEvent } from '../listener/kindling-listener.js';
import { ListenerBus } from '../listener/listener-bus.js';
import { HashPartitioner } from '../partitioner/hash-partitioner.js';
import { coGroupedDefinition } from '../rdd/cogrouped.js';
import { mapPartitionsDefinition } from '../rdd/map-partitions.js';
import { parallelCollectionDefinition } from '../rdd/parallel-collection.js';
import { RDD } from '../rdd/rdd.js';
import { shuffledDefinition } from '../rdd/shuffled.js';
import { AccumulatorRegistry } from '../shared/accumulator-registry.js';
import { BlockManagerMaster } from './block-manager-master.js';
import { DAGScheduler } from './dag-scheduler.js';
import { fakeContext, FakeTaskSubmitter } from './fake-task-submitter.test-helper.js';
import { MapOutputTracker } from './map-output-tracker.js';
import type { StagePlan } from './stage-plan.js';
import { TaskBinaryRegistry } from './task-binary-registry.js';
import type { TaskEndReason } from './task-end-reason.js';
import type { TaskInfo } from './task-info.js';
import type { BlockUpdate, DirectTaskResult, MapStatus } from './task-result.js';
import type { TaskSet } from './task-set.js';
import type { Task } from './task.js';
import type { JobOptions } from './job-options.js';

export type Exec = readonly [executorId: string, host: string];
export const A: Exec = ['exec-a', 'host-a'];
export const B: Exec = ['exec-b', 'host-b'];
export const C: Exec = ['exec-c', 'host-c'];

export const RESUBMIT_MS = 200;

export const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `cond` holds; returns the milliseconds it took. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 1500): Promise<number> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
  return Date.now() - start;
}

/** Records listener-bus events in order. */
export class Recorder implements KindlingListener {
  readonly log: Array<{ name: string; event: unknown }> = [];
  onJobStart(e: JobStartEvent) {
    this.log.push({ name: 'jobStart', event: e });
  }
  onJobEnd(e: JobEndEvent) {
    this.log.push({ name: 'jobEnd', event: e });
  }
  onStageSubmitted(e: StageEvent) {
    this.log.push({ name: 'stageSubmitted', event: e });
  }
  onStageCompleted(e: StageEvent) {
    this.log.push({ name: 'stageCompleted', event: e });
  }
  onTaskEnd(e: TaskEvent) {
    this.log.push({ name: 'taskEnd', event: e });
  }
  onExecutorRemoved(e: ExecutorEvent) {
    this.log.push({ name: 'executorRemoved', event: e });
  }
  of<T>(name: string): T[] {
    return this.log.filter((l) => l.name === name).map((l) => l.event as T);
  }
  submitted(stageId?: number): StageEvent[] {
    return this.of<StageEvent>('stageSubmitted').filter((e) => stageId === undefined || e.stageId === stageId);
  }
  completed(stageId?: number): StageEvent[] {
    return this.of<StageEvent>('stageCompleted').filter((e) => stageId === undefined || e.stageId === stageId);
  }
}

interface JobHandle {
  promise: Promise<unknown[]>;
  state: 'pending' | 'resolved' | 'rejected';
  value?: unknown[];
  error?: Error;
}

interface SucceedOptions {
  exec?: Exec;
  accumulatorUpdates?: Array<{ id: number; value: unknown }>;
  blockUpdates?: BlockUpdate[];
  attemptNumber?: number;
}

/** A real DAGScheduler over real tracker/block master/bus, with a fake task submitter and context. */
export class Harness {
  readonly submitter = new FakeTaskSubmitter();
  readonly tracker = new MapOutputTracker();
  readonly blocks = new BlockManagerMaster();
  readonly bus = new ListenerBus();
  readonly binaries = new TaskBinaryRegistry();
  readonly accumulators = new AccumulatorRegistry();
  readonly addresses = new ExecutorAddressBook();
  readonly events = new Recorder();
  readonly dag: DAGScheduler;
  readonly kc = fakeContext(this.tracker, () => this.dag);
  private nextTaskId = 0;
  private nextMapId = 0;
  private readonly plans = new Map<number, StagePlan>();

  constructor(conf: Record<string, string | number> = {}) {
    this.dag = new DAGScheduler(
      new KindlingConf(conf),
      this.submitter,
      this.tracker,
      this.blocks,
      this.bus,
      this.binaries,
      this.accumulators,
      this.addresses,
    );
    this.bus.add(this.events);
  }

  // ---- RDDs ----

  parallelize(numSlices: number): RDD<unknown> {
    const data = Array.from({ length: numSlices * 2 }, (_, i) => [i % 3, i]);
    return new RDD(this.kc, parallelCollectionDefinition(data, numSlices), `parallelize at test:${numSlices}`);
  }

  map(parent: RDD<unknown>, site = 'map at test'): RDD<unknown> {
    const fn = captureFunction((x: unknown) => x, undefined, 'map');
    return new RDD(this.kc, mapPartitionsDefinition(parent, { op: 'map', fn }, false), site);
  }

  shuffle(parent: RDD<unknown>, numPartitions: number): RDD<unknown> {
    return new RDD(this.kc, shuffledDefinition(parent, new HashPartitioner(numPartitions)), 'partitionBy at test');
  }

  cogroup(inputs: RDD<unknown>[], numPartitions: number): RDD<unknown> {
    return new RDD(this.kc, coGroupedDefinition(inputs, new HashPartitioner(numPartitions)), 'cogroup at test');
  }

  // ---- jobs ----

  run(rdd: RDD<unknown>, partitions?: number[], options?: JobOptions): JobHandle {
    const parts = partitions ?? Array.from({ length: rdd.getNumPartitions() }, (_, i) => i);
    const handle: JobHandle = { state: 'pending' } as JobHandle;
    handle.promise = this.dag.runJob(rdd, { action: 'collect', callSite: 'collect at test' }, parts, options);
    handle.promise.then(
      (v) => Object.assign(handle, { state: 'resolved', value: v }),
      (e: Error) => Object.assign(handle, { state: 'rejected', error: e }),
    );
    return handle;
  }

  // ---- playing the task scheduler ----

  /** The stage plan the scheduler serialized for this task set (what executors would run). */
  planOf(ts: TaskSet): StagePlan {
    let plan = this.plans.get(ts.binaryId);
    if (!plan) {
      plan = v8.deserialize(this.binaries.get(ts.binaryId)!) as StagePlan;
      this.plans.set(ts.binaryId, plan);
    }
    return plan;
  }

  private taskSetOf(task: Task): TaskSet {
    return this.submitter.find(task.stageId, task.stageAttemptId);
  }

  info(task: Task, exec: Exec = A, attemptNumber = 0): TaskInfo {
    return {
      taskId: this.nextTaskId++,
      index: this.taskSetOf(task).tasks.indexOf(task),
      attemptNumber,
      partition: task.partition,
      stageId: task.stageId,
      stageAttemptId: task.stageAttemptId,
      executorId: exec[0],
      host: exec[1],
      locality: 'ANY',
      launchTime: 1000,
      finishTime: 1010,
      successful: false,
      failed: false,
      killed: false,
    };
  }

  /** A successful attempt of `task` returning `value`. */
  succeed(task: Task, value: unknown, opts: SucceedOptions = {}): void {
    const result: DirectTaskResult = {
      value,
      accumulatorUpdates: opts.accumulatorUpdates ?? [],
      blockUpdates: opts.blockUpdates ?? [],
      durationMs: 10,
    };
    this.dag.taskEnded(task, { kind: 'success' }, result, { ...this.info(task, opts.exec ?? A, opts.attemptNumber), successful: true });
  }

  /** A successful map task whose output is on `exec`; `sizes` defaults to 10 bytes per reduce partition. */
  completeMap(task: Task, exec: Exec = A, opts: SucceedOptions & { sizes?: number[] } = {}): MapStatus {
    expect(task.kind).to.equal('shuffle-map');
    const output = this.planOf(this.taskSetOf(task)).output;
    if (output.kind !== 'shuffle-map') throw new Error('not a map stage');
    const status: MapStatus = {
      shuffleId: output.shuffleId,
      mapIndex: task.partition,
      mapId: this.nextMapId++,
      executorId: exec[0],
      host: exec[1],
      partitionLengths: opts.sizes ?? new Array(output.partitioner.numPartitions).fill(10),
    };
    this.succeed(task, status, { ...opts, exec });
    return status;
  }

  /** Completes every task of a map task set; `placement[i]` is where task i's output lives. */
  completeMapStage(ts: TaskSet, placement: Exec | Exec[] = A): void {
    ts.tasks.forEach((t, i) => this.completeMap(t, Array.isArray(placement[0]) ? (placement as Exec[])[i]! : (placement as Exec)));
  }

  fail(task: Task, reason: TaskEndReason, exec: Exec = A): void {
    this.dag.taskEnded(task, reason, undefined, { ...this.info(task, exec), failed: true });
  }

  ids(): string[] {
    return this.submitter.ids();
  }

  partitions(ts: TaskSet): number[] {
    return ts.tasks.map((t) => t.partition);
  }
}

export function fetchFailed(shuffleId: number, mapIndex: number, reduceId: number, executorId: string): TaskEndReason {
  return { kind: 'fetch-failed', shuffleId, mapIndex, reduceId, executorId, message: 'Failed to fetch block' };
}

export function exception(message: string): TaskEndReason {
  return { kind: 'exception', error: { name: 'RangeError', message, stack: `RangeError: ${message}\n    at userFn (app.ts:3)` } };
}

export const lost = (message = 'heartbeat timed out') => ({ message, exitCausedByApp: false });
