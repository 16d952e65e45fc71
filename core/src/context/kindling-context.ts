import * as fs from 'node:fs';
import * as v8 from 'node:v8';
import { captureFunction } from '../closure/function-spec.js';
import { ClusterManagerRegistry } from '../cluster/cluster-manager-registry.js';
import type { DriverEndpoint } from '../cluster/driver-endpoint.js';
import { ExecutorAddressBook } from '../cluster/executor-address-book.js';
import { checkConf } from '../conf/config-checks.js';
import { KindlingConf } from '../conf/kindling-conf.js';
import { IllegalArgumentError, IllegalStateError, SerializationError } from '../errors.js';
import type { KindlingListener } from '../listener/kindling-listener.js';
import { ListenerBus } from '../listener/listener-bus.js';
import { DeferredRangePartitioner } from '../rdd/deferred-range-partitioner.js';
import { parallelCollectionDefinition, rangeDefinition } from '../rdd/parallel-collection.js';
import type { RddDefinition } from '../rdd/rdd-definition.js';
import { RDD } from '../rdd/rdd.js';
import type { ResultSpec } from '../rdd/result-spec.js';
import { callSiteLabel } from '../rdd/ship.js';
import { textFileDefinition } from '../rdd/text-file.js';
import { checkpointAfterJob } from '../rdd/checkpoint.js';
import * as sources from '../rdd/context-sources.js';
import '../rdd/all-kinds.js';
import { checkSliceCount } from './slice-limit.js';
import { BlockManagerMaster } from '../scheduler/block-manager-master.js';
import { DAGScheduler } from '../scheduler/dag-scheduler.js';
import { MapOutputTracker } from '../scheduler/map-output-tracker.js';
import type { SchedulerBackend } from '../scheduler/scheduler-backend.js';
import { TaskBinaryRegistry } from '../scheduler/task-binary-registry.js';
import { TaskSchedulerImpl } from '../scheduler/task-scheduler-impl.js';
import { Accumulator } from '../shared/accumulator.js';
import { AccumulatorRegistry } from '../shared/accumulator-registry.js';
import { Broadcast } from '../shared/broadcast.js';
import { ConsoleProgressBar } from '../ui/console-progress-bar.js';
import { LocalProperties } from './local-properties.js';
import { currentActionSignal } from './action-options.js';
import { loadPoolAllocations, schedulingModeOf } from '../scheduler/pool-allocations.js';
import { JOB_DESCRIPTION_PROPERTY, JOB_GROUP_PROPERTY, JOB_INTERRUPT_ON_CANCEL_PROPERTY } from '../scheduler/job-options.js';
import { createDynamicAllocation, type ExecutorAllocationManager } from '../scheduler/executor-allocation-manager.js';
import { appPackageOf, prepareDriverFiles } from '../packaging/driver-app-package.js';
import { setKindlingFilesDir } from '../packaging/kindling-files.js';

export interface KindlingContextOptions {
  /** Master URL; falls back to KINDLING_MASTER, then kindling.master in conf, then local[*]. */
  master?: string;
  appName?: string;
  conf?: Record<string, string | number | boolean>;
}

const defaultAdd = (a: any, b: any) => a + b;

export interface ExecutorInfo {
  executorId: string;
  host: string;
  cores: number;
}

/**
 * The entry point of a Kindling application (Spark's SparkContext): creates RDDs, runs jobs,
 * and owns the schedulers and the cluster manager's backend.
 */
export class KindlingContext {
  readonly conf: KindlingConf;
  readonly master: string;
  readonly appName: string;
  private nextRddId = 0;
  private nextShuffleId = 0;
  private nextBroadcastId = 0;
  private stopped = false;
  private checkpointDir: string | undefined;
  private readonly bus = new ListenerBus();
  private readonly tracker = new MapOutputTracker();
  private readonly blocks = new BlockManagerMaster();
  private readonly binaries = new TaskBinaryRegistry();
  private readonly accumulators = new AccumulatorRegistry();
  private readonly broadcasts = new Map<number, Uint8Array>();
  private readonly addresses = new ExecutorAddressBook();
  private taskScheduler!: TaskSchedulerImpl;
  private dag!: DAGScheduler;
  private backend!: SchedulerBackend;
  private progressBar: ConsoleProgressBar | undefined;
  private readonly localProperties = new LocalProperties();
  private allocationManager: ExecutorAllocationManager | undefined;

  private readonly executors = new Map<string, ExecutorInfo>();
  /** The driver's copy of kindling.files / kindling.archives, removed at stop(). */
  private filesDir: string | undefined;

  private constructor(conf: KindlingConf) {
    this.conf = conf;
    this.master = conf.get('kindling.master')!;
    this.appName = conf.get('kindling.app.name')!;
    this.bus.add({
      onExecutorAdded: (e) => this.executors.set(e.executorId, { executorId: e.executorId, host: e.host, cores: e.cores }),
      onExecutorRemoved: (e) => this.executors.delete(e.executorId),
    });
    // Spark's ConsoleProgressBar: stage progress on stderr, only when it is a terminal.
    if (ConsoleProgressBar.shouldShow(conf.getBoolean('kindling.ui.showConsoleProgress', true), process.stderr)) {
      this.progressBar = new ConsoleProgressBar(process.stderr);
      this.bus.add(this.progressBar);
    }
  }

  static async create(options: KindlingContextOptions = {}): Promise<KindlingContext> {
    // Spark's precedence: values set in code > kindling-submit flags (KINDLING_CONF) > defaults.
    const conf = new KindlingConf({ ...submittedConf(), ...(options.conf ?? {}) });
    const fromCode = (key: string) => (options.conf?.[key] === undefined ? undefined : String(options.conf[key]));
    const master = options.master ?? fromCode('kindling.master') ?? process.env['KINDLING_MASTER'] ?? conf.get('kindling.master') ?? 'local[*]';
    conf.set('kindling.master', master);
    const name =
      options.appName ?? fromCode('kindling.app.name') ?? process.env['KINDLING_APP_NAME'] ?? conf.get('kindling.app.name') ?? 'kindling-app';
    conf.set('kindling.app.name', name);
    conf.setIfMissing('kindling.app.root', process.cwd());
    checkConf(conf);
    const kc = new KindlingContext(conf);
    await kc.startScheduling();
    return kc;
  }

  private async startScheduling(): Promise<void> {
    this.filesDir = await prepareDriverFiles(this.conf);
    if (this.filesDir) {
      this.conf.set('kindling.files.dir', this.filesDir);
      setKindlingFilesDir(this.filesDir);
    }
    const registry = await ClusterManagerRegistry.fromConf(this.conf);
    const manager = registry.select(this.master);
    const opts = manager.taskSchedulerOptions?.(this.master, this.conf) ?? {};
    const fair = schedulingModeOf(this.conf) === 'FAIR';
    this.taskScheduler = new TaskSchedulerImpl(this.conf, {
      maxTaskFailures: opts.maxTaskFailures ?? this.conf.getInt('kindling.task.maxFailures', 4),
      isLocal: opts.isLocal ?? false,
      pools: fair ? await loadPoolAllocations(this.conf) : [],
    });
    this.dag = new DAGScheduler(
      this.conf,
      this.taskScheduler,
      this.tracker,
      this.blocks,
      this.bus,
      this.binaries,
      this.accumulators,
      this.addresses,
    );
    this.taskScheduler.setListener(this.dag);
    this.allocationManager = createDynamicAllocation({
      conf: this.conf,
      isLocal: opts.isLocal ?? false,
      // Only these two calls, and only once the backend below exists and started.
      client: {
        requestTotalExecutors: (total) => this.backend.requestTotalExecutors(total),
        killExecutors: (ids, reason) => this.backend.killExecutors(ids, reason),
      },
      bus: this.bus,
      dag: this.dag,
      tracker: this.tracker,
      blocks: this.blocks,
    });
    const driver: DriverEndpoint = {
      taskBinary: (id) => this.binaries.get(id),
      broadcastValue: (id) => this.broadcasts.get(id),
      // Executors get the secret from their launcher's environment; it never travels in the config.
      appConfig: () => {
        const entries = this.conf.toRecord();
        delete entries['kindling.authenticate.secret'];
        return entries;
      },
    };
    this.backend = await manager.createSchedulerBackend(this.master, {
      conf: this.conf,
      appName: this.appName,
      scheduler: this.taskScheduler,
      driver,
      executorAddresses: this.addresses,
      appPackage: appPackageOf(this.conf),
    });
    this.taskScheduler.setBackend(this.backend);
    await this.backend.start();
    if (this.allocationManager && !(await this.allocationManager.start())) this.allocationManager = undefined;
  }

  get applicationId(): string {
    return this.backend.applicationId();
  }

  get defaultParallelism(): number {
    return this.backend.defaultParallelism();
  }

  /** Spark's defaultMinPartitions: min(defaultParallelism, 2). */
  get defaultMinPartitions(): number {
    return Math.min(this.defaultParallelism, 2);
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** The executors currently registered (Spark's statusTracker.getExecutorInfos). */
  executorInfos(): ExecutorInfo[] {
    return [...this.executors.values()];
  }

  /** Ask the cluster manager for a new total number of executors; false if it cannot (e.g. local mode). */
  requestTotalExecutors(total: number): Promise<boolean> {
    this.assertRunning();
    if (!Number.isInteger(total) || total < 0) throw new IllegalArgumentError(`Requested total executors must be >= 0, got ${total}`);
    return this.backend.requestTotalExecutors(total);
  }

  /** Ask the cluster manager to remove these executors; false if it cannot. */
  killExecutors(executorIds: string[]): Promise<boolean> {
    this.assertRunning();
    return this.backend.killExecutors(executorIds);
  }

  // ---- local properties, job groups and cancellation ----

  /**
   * Sets a property for the jobs this async flow starts from now on (Spark's setLocalProperty):
   * e.g. `kc.setLocalProperty('kindling.scheduler.pool', 'etl')`. null removes it.
   */
  setLocalProperty(key: string, value: string | null | undefined): void {
    this.localProperties.set(key, value);
  }

  getLocalProperty(key: string): string | undefined {
    return this.localProperties.get(key);
  }

  /** Runs `body` with these local properties; the caller's own are unchanged afterwards. */
  withLocalProperties<T>(properties: Readonly<Record<string, string>>, body: () => T): T {
    return this.localProperties.run(properties, body);
  }

  /**
   * Puts the jobs this async flow starts from now on into a group that cancelJobGroup cancels.
   * Kindling always stops a cancelled task's thread (JavaScript cannot interrupt it otherwise);
   * interruptOnCancel is recorded for listeners and cluster managers, as Spark's property.
   */
  setJobGroup(groupId: string, description: string, interruptOnCancel = false): void {
    if (typeof groupId !== 'string' || groupId === '') throw new IllegalArgumentError('setJobGroup needs a non-empty group id');
    this.localProperties.setAll({
      [JOB_GROUP_PROPERTY]: groupId,
      [JOB_DESCRIPTION_PROPERTY]: description,
      [JOB_INTERRUPT_ON_CANCEL_PROPERTY]: String(interruptOnCancel),
    });
  }

  clearJobGroup(): void {
    this.localProperties.setAll({ [JOB_GROUP_PROPERTY]: null, [JOB_DESCRIPTION_PROPERTY]: null, [JOB_INTERRUPT_ON_CANCEL_PROPERTY]: null });
  }

  /** Cancels the active jobs of the group; each rejects with a JobCancelledError naming the group. */
  cancelJobGroup(groupId: string, reason?: string): void {
    this.assertRunning();
    this.dag.cancelJobGroup(groupId, reason);
  }

  /** Cancels every active job; each rejects with a JobCancelledError. */
  cancelAllJobs(reason = 'kc.cancelAllJobs() was called'): void {
    this.assertRunning();
    this.dag.cancelAllJobs(reason, 'cancelAllJobs');
  }

  /** Cancels one job by id (from onJobStart); it rejects with a JobCancelledError. */
  cancelJob(jobId: number, reason?: string): void {
    this.assertRunning();
    this.dag.cancelJob(jobId, 'cancelJob', `by kc.cancelJob()${reason ? `: ${reason}` : ''}`);
  }

  addListener(listener: KindlingListener): void {
    this.bus.add(listener);
  }

  removeListener(listener: KindlingListener): void {
    this.bus.remove(listener);
  }

  // ---- sources ----

  parallelize<T>(data: readonly T[], numSlices?: number): RDD<T> {
    const { label } = callSiteLabel();
    const n = checkSliceCount(numSlices ?? this.defaultParallelism, 'parallelize', data.length);
    const cloneError = data.length > 0 ? this.cloneCheck(data) : undefined;
    return this.makeRdd(parallelCollectionDefinition(data, n), `parallelize at ${label}`, cloneError ? [cloneError] : []);
  }

  /** Numbers from start (inclusive) to end (exclusive) by step, generated on the executors. */
  range(start: number, end: number, step = 1, numSlices?: number): RDD<number> {
    const { label } = callSiteLabel();
    const n = checkSliceCount(numSlices ?? this.defaultParallelism, 'range');
    return this.makeRdd(rangeDefinition({ start, end, step, numSlices: n }), `range at ${label}`);
  }

  /** Lines of a file or of every visible file in a directory, split by byte ranges. */
  textFile(path: string, minPartitions?: number): RDD<string> {
    const { label } = callSiteLabel();
    return this.makeRdd(textFileDefinition(path, minPartitions ?? this.defaultMinPartitions), `textFile at ${label}`);
  }

  /** Spark's SparkContext.union: one RDD over all of them (partitioner-aware when they share one). */
  union<T>(rdds: RDD<T>[]): RDD<T> {
    return sources.union(this, rdds);
  }

  /** An RDD with no partitions and no records. */
  emptyRDD<T>(): RDD<T> {
    return sources.emptyRDD(this);
  }

  /** parallelize; or, given [record, hosts] pairs, one partition per record preferring those hosts. */
  makeRDD<T>(data: ReadonlyArray<[T, string[]]>): RDD<T>;
  makeRDD<T>(data: readonly T[], numSlices?: number): RDD<T>;
  makeRDD<T>(data: readonly unknown[], numSlices?: number): RDD<T> {
    return numSlices === undefined && sources.isLocatedData(data) ? sources.makeLocatedRdd(this, data) : this.parallelize(data as T[], numSlices);
  }

  /** Records written by rdd.saveAsObjectFile (V8 serialization), one partition per part file. */
  objectFile<T>(path: string): RDD<T> {
    return sources.objectFile(this, path);
  }

  /** [path, content] for every visible file of a directory (gzip files decompressed). */
  wholeTextFiles(path: string, minPartitions?: number): RDD<[string, string]> {
    return sources.wholeTextFiles(this, path, minPartitions ?? this.defaultMinPartitions);
  }

  /** Where rdd.checkpoint() writes: a fresh subdirectory of `dir`, as Spark's setCheckpointDir. */
  setCheckpointDir(dir: string): void {
    this.checkpointDir = sources.newCheckpointDir(dir);
  }

  getCheckpointDir(): string | undefined {
    return this.checkpointDir;
  }

  /** Internal: whether an executor reported holding this cached partition. */
  isBlockCached(rddId: number, partition: number): boolean {
    return this.blocks.locations(rddId, partition).length > 0;
  }

  // ---- shared variables ----

  broadcast<T>(value: T): Broadcast<T> {
    this.assertRunning();
    const id = this.nextBroadcastId++;
    let bytes: Uint8Array;
    try {
      bytes = v8.serialize(value);
    } catch (e) {
      throw new SerializationError(`The broadcast value cannot be shipped to executors: ${(e as Error).message}. Pass plain data.`);
    }
    this.broadcasts.set(id, bytes);
    return new Broadcast(id, value, async (bid) => {
      this.broadcasts.delete(bid);
      await this.backend.removeBroadcast?.(bid);
    });
  }

  /** A value tasks add to and the driver reads; `merge` must be associative (default: +). */
  accumulator<T>(initial: T, merge?: (a: T, b: T) => T): Accumulator<T> {
    const fn = (merge ?? defaultAdd) as (a: T, b: T) => T;
    const spec = captureFunction(fn, undefined, 'accumulator');
    const acc = new Accumulator(this.accumulators.newId(), initial, fn, spec);
    this.accumulators.register(acc);
    return acc;
  }

  // ---- jobs ----

  /** Runs an action over `partitions` (default: all) and returns each partition's result. */
  async runJob(rdd: RDD<unknown>, spec: ResultSpec, partitions?: number[]): Promise<unknown[]> {
    this.assertRunning();
    if (rdd.kc !== this) throw new IllegalArgumentError(`${rdd} belongs to a different KindlingContext`);
    const lineage = lineageOf(rdd);
    for (const r of lineage) if (r.shippingErrors.length > 0) throw r.shippingErrors[0];
    // Jobs some RDDs need first (sortByKey's sampled bounds, zipWithIndex's counts), parents
    // first, so an RDD's preparation can rely on its parents' bounds.
    for (const r of lineage) {
      for (const dep of r.dependencies) {
        if (dep.type === 'shuffle' && dep.partitioner instanceof DeferredRangePartitioner) await dep.partitioner.resolve();
      }
      await r.prepare();
    }
    const parts = partitions ?? Array.from({ length: rdd.getNumPartitions() }, (_, i) => i);
    const results = await this.dag.runJob(rdd, spec, parts, { properties: this.localProperties.snapshot(), signal: currentActionSignal() });
    await checkpointAfterJob(rdd);
    return results;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.progressBar?.stop();
    this.allocationManager?.stop();
    this.dag.cancelAllJobs('the KindlingContext was stopped', 'stop');
    this.dag.stop();
    this.taskScheduler.stop();
    await this.backend.stop();
    this.binaries.clear();
    if (this.filesDir) {
      setKindlingFilesDir(undefined);
      fs.rmSync(this.filesDir, { recursive: true, force: true });
    }
  }

  // ---- internal API used by RDDs ----

  newRddId(): number {
    return this.nextRddId++;
  }

  newShuffleId(): number {
    return this.nextShuffleId++;
  }

  makeRdd<T>(def: RddDefinition, creationSite: string, errors: Error[] = []): RDD<T> {
    this.assertRunning();
    return new RDD<T>(this, def, creationSite, errors);
  }

  async unpersistRdd(rdd: RDD<unknown>): Promise<void> {
    this.blocks.removeRdd(rdd.id);
    await this.backend.removeRdd?.(rdd.id);
  }

  /** Reduce-task locality: hosts holding most of a reduce partition's map output. */
  reduceLocations(shuffleId: number, reduceId: number): string[] {
    const dep = this.dag.shuffleDependencyOf(shuffleId);
    if (!dep) return [];
    return this.tracker.preferredHostsForReduce(shuffleId, reduceId, dep.partitioner.numPartitions);
  }

  private cloneCheck(data: readonly unknown[]): Error | undefined {
    try {
      v8.serialize(data);
      return undefined;
    } catch (e) {
      return new SerializationError(`The data passed to parallelize() cannot be shipped to executors: ${(e as Error).message}. Pass plain data.`);
    }
  }

  private assertRunning(): void {
    if (this.stopped) throw new IllegalStateError('Cannot call methods on a stopped KindlingContext; create a new one');
  }
}

/** Configuration handed over by kindling-submit as JSON in KINDLING_CONF. */
function submittedConf(): Record<string, string> {
  const raw = process.env['KINDLING_CONF'];
  if (!raw) return {};
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, string>;
  } catch {
    // fall through
  }
  throw new IllegalArgumentError('KINDLING_CONF must be a JSON object of kindling.* keys, as kindling-submit sets it');
}

/** Every RDD the job depends on, through shuffles too. */
function lineageOf(rdd: RDD<unknown>): RDD<unknown>[] {
  const out: RDD<unknown>[] = [];
  const seen = new Set<number>();
  const visit = (r: RDD<unknown>) => {
    if (seen.has(r.id)) return;
    seen.add(r.id);
    for (const dep of r.dependencies) visit(dep.rdd);
    out.push(r);
  };
  visit(rdd);
  return out;
}
