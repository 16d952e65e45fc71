/*
 * DAGScheduler driven directly, as Spark's DAGSchedulerSuite does: a fake task submitter records
 * the task sets, and the tests play the task scheduler by calling taskEnded / executorLost /
 * taskSetFailed. The scheduler's event queue runs synchronously inside each call; only the
 * fetch-failure resubmission waits (RESUBMIT_TIMEOUT, 200 ms), so those tests wait for real.
 */
import * as v8 from 'node:v8';
import { expect } from 'chai';
import { captureFunction } from '../closure/function-spec.js';
import { ExecutorAddressBook } from '../cluster/executor-address-book.js';
import { KindlingConf } from '../conf/kindling-conf.js';
import { JobFailedError, TaskFailedError } from '../errors.js';
import type { ExecutorEvent, JobEndEvent, JobStartEvent, KindlingListener, StageEvent, TaskEvent } from '../listener/kindling-listener.js';
import { ListenerBus } from '../listener/listener-bus.js';
import { HashPartitioner } from '../partitioner/hash-partitioner.js';
import { coGroupedDefinition } from '../rdd/cogrouped.js';
import { mapPartitionsDefinition } from '../rdd/map-partitions.js';
import { parallelCollectionDefinition } from '../rdd/parallel-collection.js';
import { RDD } from '../rdd/rdd.js';
import { shuffledDefinition } from '../rdd/shuffled.js';
import { Accumulator } from '../shared/accumulator.js';
import { AccumulatorRegistry } from '../shared/accumulator-registry.js';
import { StorageLevel } from '../storage/storage-level.js';
import { BlockManagerMaster } from './block-manager-master.js';
import { DAGScheduler } from './dag-scheduler.js';
import { fakeContext, FakeTaskSubmitter } from './fake-task-submitter.js';
import { MapOutputTracker } from './map-output-tracker.js';
import type { StagePlan } from './stage-plan.js';
import { TaskBinaryRegistry } from './task-binary-registry.js';
import type { TaskEndReason } from './task-end-reason.js';
import type { TaskInfo } from './task-info.js';
import type { BlockUpdate, DirectTaskResult, MapStatus } from './task-result.js';
import type { TaskSet } from './task-set.js';
import type { Task } from './task.js';

type Exec = readonly [executorId: string, host: string];
const A: Exec = ['exec-a', 'host-a'];
const B: Exec = ['exec-b', 'host-b'];
const C: Exec = ['exec-c', 'host-c'];

const RESUBMIT_MS = 200;

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `cond` holds; returns the milliseconds it took. */
async function waitFor(cond: () => boolean, what: string, timeoutMs = 1500): Promise<number> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
  return Date.now() - start;
}

/** Records listener-bus events in order. */
class Recorder implements KindlingListener {
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
class Harness {
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

  run(rdd: RDD<unknown>, partitions?: number[]): JobHandle {
    const parts = partitions ?? Array.from({ length: rdd.getNumPartitions() }, (_, i) => i);
    const handle: JobHandle = { state: 'pending' } as JobHandle;
    handle.promise = this.dag.runJob(rdd, { action: 'collect', callSite: 'collect at test' }, parts);
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

function fetchFailed(shuffleId: number, mapIndex: number, reduceId: number, executorId: string): TaskEndReason {
  return { kind: 'fetch-failed', shuffleId, mapIndex, reduceId, executorId, message: 'Failed to fetch block' };
}

function exception(message: string): TaskEndReason {
  return { kind: 'exception', error: { name: 'RangeError', message, stack: `RangeError: ${message}\n    at userFn (app.ts:3)` } };
}

const lost = (message = 'heartbeat timed out') => ({ message, exitCausedByApp: false });

describe('DAGScheduler', () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness();
  });
  afterEach(() => {
    h.dag.stop();
  });

  describe('narrow jobs', () => {
    it('submits one task set with one result task per partition and resolves in partition order', async () => {
      const job = h.run(h.map(h.parallelize(3)));
      expect(h.ids()).to.deep.equal(['0.0']);
      const ts = h.submitter.last();
      expect(ts.priority).to.equal(0);
      expect(ts.tasks.map((t) => [t.kind, t.stageId, t.stageAttemptId, t.partition, t.outputId, t.jobId, t.epoch])).to.deep.equal([
        ['result', 0, 0, 0, 0, 0, 0],
        ['result', 0, 0, 1, 1, 0, 0],
        ['result', 0, 0, 2, 2, 0, 0],
      ]);
      const plan = h.planOf(ts);
      expect(plan.output).to.deep.include({ kind: 'result' });
      expect(plan.nodes.map((n) => n.kind)).to.deep.equal(['parallel-collection', 'map-partitions']);

      h.succeed(ts.tasks[2]!, 'r2');
      h.succeed(ts.tasks[0]!, 'r0');
      await tick();
      expect(job.state).to.equal('pending');
      h.succeed(ts.tasks[1]!, 'r1');
      expect(await job.promise).to.deep.equal(['r0', 'r1', 'r2']);
      expect(h.ids()).to.deep.equal(['0.0']);
      expect(h.submitter.cancelled).to.deep.equal([]);
    });

    it('computes only the requested partitions and returns results in the requested order', async () => {
      const job = h.run(h.parallelize(4), [3, 1]);
      const ts = h.submitter.last();
      expect(ts.tasks.map((t) => [t.partition, t.outputId])).to.deep.equal([
        [3, 0],
        [1, 1],
      ]);
      h.succeed(ts.tasks[1]!, 'p1');
      h.succeed(ts.tasks[0]!, 'p3');
      expect(await job.promise).to.deep.equal(['p3', 'p1']);
    });

    it('rejects a job over a non-existent partition without submitting anything, and keeps running', async () => {
      const rdd = h.parallelize(2);
      const bad = h.run(rdd, [0, 2]);
      await tick();
      expect(bad.state).to.equal('rejected');
      expect(bad.error!.message).to.equal('Attempting to access a non-existent partition: 2. Total number of partitions: 2');
      expect(h.ids()).to.deep.equal([]);
      const good = h.run(rdd, [1]);
      h.succeed(h.submitter.last().tasks[0]!, 'ok');
      expect(await good.promise).to.deep.equal(['ok']);
    });

    it('resolves a job over zero partitions without tasks', async () => {
      const job = h.run(h.parallelize(2), []);
      expect(await job.promise).to.deep.equal([]);
      expect(h.ids()).to.deep.equal([]);
      expect(h.events.of<JobEndEvent>('jobEnd').map((e) => e.succeeded)).to.deep.equal([true]);
    });
  });

  describe('shuffle jobs', () => {
    it('runs the map stage first and the reduce stage only once every map output is registered', async () => {
      const shuffled = h.shuffle(h.parallelize(3), 2);
      const job = h.run(shuffled);
      expect(h.ids()).to.deep.equal(['0.0']);
      const mapTs = h.submitter.last();
      expect(mapTs.tasks.map((t) => [t.kind, t.partition])).to.deep.equal([
        ['shuffle-map', 0],
        ['shuffle-map', 1],
        ['shuffle-map', 2],
      ]);
      expect(h.planOf(mapTs).output).to.deep.include({ kind: 'shuffle-map', shuffleId: 0 });

      // Host A holds 200 of 220 bytes of each reduce partition, host B only 20 (< 20%).
      h.completeMap(mapTs.tasks[0]!, A, { sizes: [100, 100] });
      h.completeMap(mapTs.tasks[2]!, B, { sizes: [20, 20] });
      expect(h.ids()).to.deep.equal(['0.0']);
      expect(h.tracker.numAvailableOutputs(0)).to.equal(2);
      h.completeMap(mapTs.tasks[1]!, A, { sizes: [100, 100] });

      expect(h.ids()).to.deep.equal(['0.0', '1.0']);
      expect(h.tracker.statuses(0).map((s) => [s?.mapIndex, s?.executorId])).to.deep.equal([
        [0, 'exec-a'],
        [1, 'exec-a'],
        [2, 'exec-b'],
      ]);
      const reduceTs = h.submitter.last();
      expect(reduceTs.tasks.map((t) => [t.kind, t.partition, t.outputId])).to.deep.equal([
        ['result', 0, 0],
        ['result', 1, 1],
      ]);
      // Reduce locality: only hosts with >= 20% of the partition's map output.
      expect(reduceTs.tasks.map((t) => t.preferredLocations)).to.deep.equal([[{ host: 'host-a' }], [{ host: 'host-a' }]]);
      // The plan snapshot the reducers read has every map output.
      expect(h.planOf(reduceTs).shuffleReads[0]!.map((o) => o?.executorId)).to.deep.equal(['exec-a', 'exec-a', 'exec-b']);

      h.succeed(reduceTs.tasks[0]!, 'a');
      h.succeed(reduceTs.tasks[1]!, 'b');
      expect(await job.promise).to.deep.equal(['a', 'b']);
    });

    it('gives parent stages lower ids than their children through several shuffles', () => {
      const s1 = h.shuffle(h.map(h.shuffle(h.parallelize(3), 2)), 4);
      h.run(s1);
      expect(h.ids()).to.deep.equal(['0.0']);
      expect(h.submitter.last().tasks).to.have.length(3);
      h.completeMapStage(h.submitter.last());
      expect(h.ids()).to.deep.equal(['0.0', '1.0']);
      expect(h.submitter.last().tasks.map((t) => t.kind)).to.deep.equal(['shuffle-map', 'shuffle-map']);
      h.completeMapStage(h.submitter.last());
      expect(h.ids()).to.deep.equal(['0.0', '1.0', '2.0']);
      expect(h.partitions(h.submitter.last())).to.deep.equal([0, 1, 2, 3]);
    });

    it('runs a map stage needed by two concurrent jobs once, then both result stages in job order', async () => {
      const shuffled = h.shuffle(h.parallelize(2), 2);
      const job0 = h.run(h.map(shuffled));
      const job1 = h.run(h.map(shuffled));
      expect(h.ids()).to.deep.equal(['0.0']);
      expect(h.submitter.last().priority).to.equal(0);
      h.completeMapStage(h.submitter.last());
      expect(h.ids()).to.deep.equal(['0.0', '1.0', '2.0']);
      expect(h.submitter.taskSets.slice(1).map((ts) => ts.priority)).to.deep.equal([0, 1]);
      h.submitter.find(2, 0).tasks.forEach((t) => h.succeed(t, 'j1'));
      h.submitter.find(1, 0).tasks.forEach((t) => h.succeed(t, 'j0'));
      expect(await job0.promise).to.deep.equal(['j0', 'j0']);
      expect(await job1.promise).to.deep.equal(['j1', 'j1']);
    });

    it('reuses a registered shuffle: a second job submits only its result stage', async () => {
      const shuffled = h.shuffle(h.parallelize(3), 2);
      const first = h.run(shuffled);
      h.completeMapStage(h.submitter.find(0, 0));
      h.submitter.find(1, 0).tasks.forEach((t) => h.succeed(t, t.partition));
      await first.promise;

      const second = h.run(h.map(shuffled));
      expect(h.ids()).to.deep.equal(['0.0', '1.0', '2.0']);
      const ts = h.submitter.last();
      expect(ts.priority).to.equal(1);
      expect(ts.tasks.map((t) => [t.kind, t.partition, t.jobId])).to.deep.equal([
        ['result', 0, 1],
        ['result', 1, 1],
      ]);
      expect(h.events.of<JobStartEvent>('jobStart')[1]!.stageIds).to.deep.equal([0, 2]);
      expect(h.events.submitted(0)).to.have.length(1);
      ts.tasks.forEach((t) => h.succeed(t, `x${t.partition}`));
      expect(await second.promise).to.deep.equal(['x0', 'x1']);
    });

    it('re-runs only the lost partitions of a reused shuffle', async () => {
      const shuffled = h.shuffle(h.parallelize(3), 2);
      const first = h.run(shuffled);
      h.completeMapStage(h.submitter.find(0, 0), [A, A, B]);
      h.submitter.find(1, 0).tasks.forEach((t) => h.succeed(t, t.partition));
      await first.promise;

      h.dag.executorLost('exec-b', 'host-b', lost());
      const second = h.run(shuffled);
      expect(h.ids()).to.deep.equal(['0.0', '1.0', '0.1']);
      expect(h.partitions(h.submitter.last())).to.deep.equal([2]);
      h.completeMap(h.submitter.last().tasks[0]!, C);
      expect(h.ids()).to.deep.equal(['0.0', '1.0', '0.1', '2.0']);
      h.submitter.last().tasks.forEach((t) => h.succeed(t, t.partition));
      expect(await second.promise).to.deep.equal([0, 1]);
    });
  });

  describe('cached RDDs', () => {
    it('a fully cached RDD truncates the lineage: the next job runs no parent stage', async () => {
      const shuffled = h.shuffle(h.parallelize(2), 2);
      const cached = h.map(shuffled).persist(StorageLevel.MEMORY_ONLY);
      const first = h.run(cached);
      h.completeMapStage(h.submitter.find(0, 0), A);
      for (const t of h.submitter.find(1, 0).tasks) {
        h.succeed(t, t.partition, { exec: B, blockUpdates: [{ blockId: `rdd_${cached.id}_${t.partition}`, memSize: 64, diskSize: 0 }] });
      }
      await first.promise;
      expect(h.blocks.isFullyCached(cached.id, 2)).to.equal(true);

      // The map outputs are gone, the cached blocks (on exec-b) are not.
      h.dag.executorLost('exec-a', 'host-a', lost());
      expect(h.tracker.numAvailableOutputs(0)).to.equal(0);

      const second = h.run(h.map(cached));
      expect(h.ids()).to.deep.equal(['0.0', '1.0', '2.0']);
      const ts = h.submitter.last();
      expect(h.partitions(ts)).to.deep.equal([0, 1]);
      // The tasks prefer the executor holding their cached partition (PROCESS_LOCAL).
      expect(ts.tasks.map((t) => t.preferredLocations)).to.deep.equal([
        [{ host: 'host-b', executorId: 'exec-b' }],
        [{ host: 'host-b', executorId: 'exec-b' }],
      ]);
      expect(h.planOf(ts).cachedBlocks[cached.id]).to.deep.equal({
        0: [{ executorId: 'exec-b', host: 'host-b', port: 0 }],
        1: [{ executorId: 'exec-b', host: 'host-b', port: 0 }],
      });
      ts.tasks.forEach((t) => h.succeed(t, t.partition, { exec: B }));
      expect(await second.promise).to.deep.equal([0, 1]);

      // Control: the same lineage without the cached RDD must re-run the map stage.
      h.run(h.map(shuffled));
      expect(h.ids()).to.deep.equal(['0.0', '1.0', '2.0', '0.1']);
      expect(h.partitions(h.submitter.last())).to.deep.equal([0, 1]);
    });

    it('a partially cached RDD does not truncate the lineage', () => {
      const shuffled = h.shuffle(h.parallelize(2), 2);
      const cached = h.map(shuffled).persist(StorageLevel.MEMORY_ONLY);
      h.run(cached);
      h.completeMapStage(h.submitter.find(0, 0), A);
      const [t0, t1] = h.submitter.find(1, 0).tasks;
      h.succeed(t0!, 0, { exec: B, blockUpdates: [{ blockId: `rdd_${cached.id}_0`, memSize: 64, diskSize: 0 }] });
      h.succeed(t1!, 1, { exec: B });
      h.dag.executorLost('exec-a', 'host-a', lost());
      h.run(h.map(cached));
      expect(h.ids()).to.deep.equal(['0.0', '1.0', '0.1']);
    });
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

  describe('cancellation and serialization', () => {
    it('cancelAllJobs rejects active jobs and cancels their running stages', async () => {
      const job = h.run(h.cogroup([h.parallelize(2), h.parallelize(2)], 2));
      h.completeMapStage(h.submitter.find(0, 0));
      h.dag.cancelAllJobs('the KindlingContext was stopped');
      await tick();
      expect(job.state).to.equal('rejected');
      expect(job.error!.name).to.equal('JobCancelledError');
      expect(job.error!.message).to.equal('Job 0 cancelled because the KindlingContext was stopped');
      expect(h.submitter.cancelled.map((c) => c.stageId)).to.deep.equal([1]);
      // Stage 0 finished before the cancel and is reused by a later job.
      h.completeMapStage(h.submitter.find(1, 0));
      expect(h.ids()).to.deep.equal(['0.0', '1.0']);
    });

    it('fails the job with "Task serialization failed" when the stage plan cannot be serialized', async () => {
      const bad = new RDD(
        h.kc,
        { kind: 'bad', className: 'BadRDD', dependencies: [], numPartitions: 1, planArgs: { fn: { markers: [] }, handle: () => 1 } },
        'bad at test',
      );
      const job = h.run(h.map(bad));
      await tick();
      expect(job.state).to.equal('rejected');
      expect(job.error!.message).to.match(/^Job aborted due to stage failure: Task serialization failed: /);
      expect(h.ids()).to.deep.equal([]);
      expect(h.events.completed().map((e) => e.stageId)).to.deep.equal([0]);
      expect(h.events.completed()[0]!.failureReason).to.match(/^Task serialization failed: /);
    });
  });

  describe('accumulators', () => {
    it('merges updates once per (stage, partition) even when two attempts succeed', async () => {
      const acc = new Accumulator<number>(h.accumulators.newId(), 0, (a, b) => a + b, captureFunction((a: number, b: number) => a + b, undefined, 'accumulator'));
      h.accumulators.register(acc);
      const job = h.run(h.shuffle(h.parallelize(2), 2));
      const mapTs = h.submitter.find(0, 0);
      const up = (value: number) => ({ accumulatorUpdates: [{ id: acc.id, value }] });

      h.completeMap(mapTs.tasks[0]!, A, up(1));
      h.fail(mapTs.tasks[0]!, { kind: 'resubmitted' }, A);
      h.completeMap(mapTs.tasks[0]!, B, { ...up(1), attemptNumber: 1 });
      h.completeMap(mapTs.tasks[1]!, A, up(10));
      expect(acc.value).to.equal(11);

      const reduceTs = h.submitter.find(1, 0);
      h.succeed(reduceTs.tasks[0]!, 'a', up(100));
      // A speculative copy of the same partition also succeeds.
      h.succeed(reduceTs.tasks[0]!, 'a', { ...up(100), exec: B, attemptNumber: 1 });
      expect(acc.value).to.equal(111);
      h.succeed(reduceTs.tasks[1]!, 'b', up(1000));
      expect(await job.promise).to.deep.equal(['a', 'b']);
      expect(acc.value).to.equal(1111);
    });
  });

  describe('listener events', () => {
    it('posts job start with every stage id and stage events with name, numTasks, parentIds and attemptId', async () => {
      const source = h.parallelize(3);
      const mapped = h.map(h.shuffle(source, 2), 'map at app.ts:7');
      const job = h.run(h.shuffle(mapped, 4));
      h.completeMapStage(h.submitter.find(0, 0));
      h.completeMapStage(h.submitter.find(1, 0));
      h.submitter.find(2, 0).tasks.forEach((t) => h.succeed(t, t.partition));
      await job.promise;

      expect(h.events.of<JobStartEvent>('jobStart').map((e) => [e.jobId, e.stageIds])).to.deep.equal([[0, [0, 1, 2]]]);
      const stages = [
        { stageId: 0, attemptId: 0, name: 'parallelize at test:3', numTasks: 3, parentIds: [] },
        { stageId: 1, attemptId: 0, name: 'map at app.ts:7', numTasks: 2, parentIds: [0] },
        { stageId: 2, attemptId: 0, name: 'collect at test', numTasks: 4, parentIds: [1] },
      ];
      const stageLog = h.events.log.filter((l) => l.name.startsWith('stage') || l.name.startsWith('job'));
      expect(stageLog.map((l) => l.name)).to.deep.equal([
        'jobStart',
        'stageSubmitted',
        'stageCompleted',
        'stageSubmitted',
        'stageCompleted',
        'stageSubmitted',
        'stageCompleted',
        'jobEnd',
      ]);
      expect(h.events.submitted()).to.deep.equal(stages);
      expect(h.events.completed()).to.deep.equal(stages);
      expect(h.events.of<JobEndEvent>('jobEnd')[0]).to.deep.include({ jobId: 0, succeeded: true });
      expect(h.events.of<TaskEvent>('taskEnd')).to.have.length(3 + 2 + 4);
    });

    it('reports task failures with their end reason and error', () => {
      h.run(h.parallelize(1));
      h.fail(h.submitter.last().tasks[0]!, exception('bad input'));
      const [ev] = h.events.of<TaskEvent>('taskEnd');
      expect(ev).to.deep.include({ stageId: 0, stageAttemptId: 0, partition: 0, successful: false, endReason: 'exception' });
      expect(ev!.error!.message).to.equal('bad input');
    });
  });
});
