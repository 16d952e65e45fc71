import * as fs from 'node:fs';
import * as v8 from 'node:v8';
import { captureFunction } from '../closure/function-spec.js';
import { ClusterManagerRegistry } from '../cluster/cluster-manager-registry.js';
import type { DriverEndpoint } from '../cluster/driver-endpoint.js';
import { ExecutorAddressBook } from '../cluster/executor-address-book.js';
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
import '../rdd/all-kinds.js';
import { BlockManagerMaster } from '../scheduler/block-manager-master.js';
import { DAGScheduler } from '../scheduler/dag-scheduler.js';
import { MapOutputTracker } from '../scheduler/map-output-tracker.js';
import type { SchedulerBackend } from '../scheduler/scheduler-backend.js';
import { TaskBinaryRegistry } from '../scheduler/task-binary-registry.js';
import { TaskSchedulerImpl } from '../scheduler/task-scheduler-impl.js';
import { Accumulator } from '../shared/accumulator.js';
import { AccumulatorRegistry } from '../shared/accumulator-registry.js';
import { Broadcast } from '../shared/broadcast.js';
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
  }

  static async create(options: KindlingContextOptions = {}): Promise<KindlingContext> {
    // Spark's precedence: values set in code > kindling-submit flags (KINDLING_CONF) > defaults.
    const conf = new KindlingConf({ ...submittedConf(), ...(options.conf ?? {}) });
    const master = options.master ?? process.env['KINDLING_MASTER'] ?? conf.get('kindling.master') ?? 'local[*]';
    conf.set('kindling.master', master);
    const name = options.appName ?? process.env['KINDLING_APP_NAME'] ?? conf.get('kindling.app.name') ?? 'kindling-app';
    conf.set('kindling.app.name', name);
    conf.setIfMissing('kindling.app.root', process.cwd());
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
    this.taskScheduler = new TaskSchedulerImpl(this.conf, {
      maxTaskFailures: opts.maxTaskFailures ?? this.conf.getInt('kindling.task.maxFailures', 4),
      isLocal: opts.isLocal ?? false,
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

  addListener(listener: KindlingListener): void {
    this.bus.add(listener);
  }

  removeListener(listener: KindlingListener): void {
    this.bus.remove(listener);
  }

  // ---- sources ----

  parallelize<T>(data: readonly T[], numSlices?: number): RDD<T> {
    const { label } = callSiteLabel();
    const n = numSlices ?? this.defaultParallelism;
    const cloneError = data.length > 0 ? this.cloneCheck(data) : undefined;
    return this.makeRdd(parallelCollectionDefinition(data, n), `parallelize at ${label}`, cloneError ? [cloneError] : []);
  }

  /** Numbers from start (inclusive) to end (exclusive) by step, generated on the executors. */
  range(start: number, end: number, step = 1, numSlices?: number): RDD<number> {
    const { label } = callSiteLabel();
    return this.makeRdd(rangeDefinition({ start, end, step, numSlices: numSlices ?? this.defaultParallelism }), `range at ${label}`);
  }

  /** Lines of a file or of every visible file in a directory, split by byte ranges. */
  textFile(path: string, minPartitions?: number): RDD<string> {
    const { label } = callSiteLabel();
    return this.makeRdd(textFileDefinition(path, minPartitions ?? this.defaultMinPartitions), `textFile at ${label}`);
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
    // sortByKey's bounds need a sampling job of their own, run before this one.
    for (const r of lineage) {
      for (const dep of r.dependencies) {
        if (dep.type === 'shuffle' && dep.partitioner instanceof DeferredRangePartitioner) await dep.partitioner.resolve();
      }
    }
    const parts = partitions ?? Array.from({ length: rdd.getNumPartitions() }, (_, i) => i);
    return this.dag.runJob(rdd, spec, parts);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.dag.cancelAllJobs('the KindlingContext was stopped');
    this.dag.stop();
    this.taskScheduler.stop();
    await this.backend.stop();
    this.binaries.clear();
    if (this.filesDir) fs.rmSync(this.filesDir, { recursive: true, force: true });
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
