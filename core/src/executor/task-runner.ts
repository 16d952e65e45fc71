import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { compileFunction } from '../closure/function-compiler.js';
import type { FunctionSpec } from '../closure/function-spec.js';
import type { TransportMarker } from '../closure/transport-marker.js';
import { FetchFailedError, KindlingError, serializeError } from '../errors.js';
import { KeyMap } from '../partitioner/key-map.js';
import { partitionerFromSpec } from '../partitioner/partitioner-from-spec.js';
import type { Partitioner } from '../partitioner/partitioner.js';
import '../rdd/all-kinds.js';
import { computeFactory, type ComputeEnv, type PartitionCompute } from '../rdd/compute-registry.js';
import { resultFunction, type ResultFunction } from '../rdd/result-actions.js';
import { compileAggregator } from '../rdd/shuffled.js';
import type { TaskContext } from '../rdd/task-context.js';
import type { StagePlan } from '../scheduler/stage-plan.js';
import type { TaskDescription } from '../scheduler/task-description.js';
import type { TaskEndReason } from '../scheduler/task-end-reason.js';
import type { MapStatus } from '../scheduler/task-result.js';
import { writeShuffleOutput } from '../shuffle/shuffle-writer.js';
import type { Aggregator } from '../shuffle/aggregator.js';
import { TaskAccumulator } from '../shared/accumulator.js';
import { storageLevelByName } from '../storage/storage-level.js';
import type { SyncCaller } from './sync-channel.js';
import { ShuffleBlockResolver } from './shuffle-block-resolver.js';
import { loadModule } from '../closure/module-loader.js';

/** A stage plan turned into runnable functions, cached per task thread. */
interface LoadedPlan {
  plan: StagePlan;
  root: PartitionCompute;
  result?: ResultFunction;
  shuffle?: { partitioner: Partitioner; aggregator?: Aggregator };
}

export interface TaskThreadConfig {
  executorId: string;
  host: string;
  localDir: string;
  shuffleMemoryBytes: number;
  maxInMemoryFetchBytes: number;
  readHostLocalDisk: boolean;
  appRoot: string;
  /** kindling.files.dir: where KindlingFiles.get finds shipped files. */
  filesDir?: string;
}

export type TaskOutcome =
  | { ok: true; valueBytes: Uint8Array; accumulatorUpdates: Array<{ id: number; value: unknown }>; durationMs: number }
  | { ok: false; reason: TaskEndReason };

const PLAN_CACHE_SIZE = 16;

/** Runs tasks inside one task thread: loads stage plans, builds the pipeline, produces results. */
export class TaskRunner {
  private readonly plans = new Map<number, LoadedPlan>();
  private readonly broadcasts = new Map<number, unknown>();
  private readonly modules = new Map<string, unknown>();
  private accumulators = new Map<number, TaskAccumulator<unknown>>();
  private readonly shuffleBlocks: ShuffleBlockResolver;

  constructor(
    private readonly caller: SyncCaller,
    private readonly config: TaskThreadConfig,
  ) {
    this.shuffleBlocks = new ShuffleBlockResolver(
      config.executorId,
      config.host,
      path.join(config.localDir, 'shuffle'),
      caller,
      config.maxInMemoryFetchBytes,
      config.readHostLocalDisk,
    );
  }

  async run(task: TaskDescription): Promise<TaskOutcome> {
    const start = performance.now();
    this.accumulators = new Map();
    const spillDir = path.join(this.config.localDir, 'spill', `task-${task.taskId}`);
    let spillCreated = false;
    try {
      const loaded = await this.loadPlan(task.binaryId);
      const tc = this.taskContext(task, loaded.plan, () => {
        if (!spillCreated) fs.mkdirSync(spillDir, { recursive: true });
        spillCreated = true;
        return spillDir;
      });
      const records = loaded.root(task.partition, tc);
      let value: unknown;
      if (loaded.result) {
        value = loaded.result(records as Iterator<unknown> & Iterable<unknown>, tc);
      } else {
        value = this.writeMapOutput(task, loaded, records, tc);
      }
      const valueBytes = v8.serialize(value);
      const accumulatorUpdates = [...this.accumulators.values()]
        .filter((a) => a.hasUpdate)
        .map((a) => ({ id: a.id, value: a.value }));
      return { ok: true, valueBytes, accumulatorUpdates, durationMs: performance.now() - start };
    } catch (e) {
      return { ok: false, reason: failureReason(e) };
    } finally {
      if (spillCreated) fs.rmSync(spillDir, { recursive: true, force: true });
    }
  }

  private writeMapOutput(task: TaskDescription, loaded: LoadedPlan, records: Iterator<unknown>, tc: TaskContext): MapStatus {
    const out = loaded.plan.output as Extract<StagePlan['output'], { kind: 'shuffle-map' }>;
    const { partitioner, aggregator } = loaded.shuffle!;
    const result = writeShuffleOutput(records as Iterator<[unknown, unknown]>, {
      shuffleId: out.shuffleId,
      mapId: task.taskId,
      numPartitions: partitioner.numPartitions,
      getPartition: (k) => partitioner.getPartition(k),
      aggregator,
      mapSideCombine: out.mapSideCombine,
      newKeyMap: () => new KeyMap<unknown>(),
      outputDir: path.join(this.config.localDir, 'shuffle'),
      spillDir: tc.spillDir,
      memoryBytes: tc.shuffleMemoryBytes,
    });
    return {
      shuffleId: out.shuffleId,
      mapIndex: task.partition,
      mapId: task.taskId,
      executorId: this.config.executorId,
      host: this.config.host,
      partitionLengths: result.partitionLengths,
    };
  }

  private async loadPlan(binaryId: number): Promise<LoadedPlan> {
    const cached = this.plans.get(binaryId);
    if (cached) return cached;
    const bytes = this.caller.call<Uint8Array>('binary', binaryId);
    const plan = v8.deserialize(bytes) as StagePlan;
    for (const spec of plan.modules ?? []) {
      if (!this.modules.has(spec)) this.modules.set(spec, await loadModule(spec, this.config));
    }
    const env: ComputeEnv = { compile: (s) => compileFunction(s as FunctionSpec, (m) => this.resolveMarker(m)) };
    const computes: PartitionCompute[] = [];
    for (const node of plan.nodes) {
      const parents = node.parents.map((i) => computes[i]!);
      let compute = computeFactory(node.kind)(node.args, parents, env);
      if (node.storage) compute = withCache(node.rddId, node.storage, compute);
      computes.push(compute);
    }
    const loaded: LoadedPlan = { plan, root: computes[computes.length - 1]! };
    if (plan.output.kind === 'result') {
      loaded.result = resultFunction(plan.output.spec, env);
    } else {
      loaded.shuffle = {
        partitioner: partitionerFromSpec(plan.output.partitioner),
        aggregator:
          plan.output.mapSideCombine && plan.output.aggregator ? compileAggregator(plan.output.aggregator, env) : undefined,
      };
    }
    if (this.plans.size >= PLAN_CACHE_SIZE) this.plans.delete(this.plans.keys().next().value!);
    this.plans.set(binaryId, loaded);
    return loaded;
  }

  private resolveMarker(marker: TransportMarker): unknown {
    switch (marker.$kindling) {
      case 'broadcast': {
        const id = marker['id'] as number;
        if (!this.broadcasts.has(id)) {
          const bytes = this.caller.call<Uint8Array>('broadcast', id);
          this.broadcasts.set(id, v8.deserialize(bytes));
        }
        const value = this.broadcasts.get(id);
        return { id, value };
      }
      case 'accumulator': {
        const id = marker['id'] as number;
        const merge = compileFunction(marker['merge'] as FunctionSpec, (m) => this.resolveMarker(m));
        // One proxy per plan; additions go to the accumulator of whichever task is running.
        return {
          id,
          add: (v: unknown) => {
            let acc = this.accumulators.get(id);
            if (!acc) this.accumulators.set(id, (acc = new TaskAccumulator(id, (a, b) => merge.fn(a, b, merge.env))));
            acc.add(v);
          },
        };
      }
      case 'module':
        return this.modules.get(marker['specifier'] as string);
      default:
        throw new KindlingError(`Unknown value marker '${marker.$kindling}' in a shipped environment`);
    }
  }

  private taskContext(task: TaskDescription, plan: StagePlan, spillDir: () => string): TaskContext {
    const caller = this.caller;
    const resolver = this.shuffleBlocks;
    return {
      stageId: task.stageId,
      stageAttemptId: task.stageAttemptId,
      partitionId: task.partition,
      attemptNumber: task.attemptNumber,
      taskAttemptId: task.taskId,
      executorId: this.config.executorId,
      get spillDir() {
        return spillDir();
      },
      shuffleMemoryBytes: this.config.shuffleMemoryBytes,
      shuffleBlocks: (shuffleId, reduceId) => resolver.blocks(plan, shuffleId, reduceId, spillDir),
      getCachedBlock: (rddId, partition) => {
        const blockId = `rdd_${rddId}_${partition}`;
        let bytes = caller.call<Uint8Array | null>('getBlock', blockId);
        // Not here: try an executor that holds it (Spark's getRemote), else the caller recomputes.
        for (const holder of plan.cachedBlocks?.[rddId]?.[partition] ?? []) {
          if (bytes || holder.executorId === this.config.executorId || holder.port === 0) continue;
          bytes = caller.call<Uint8Array | null>('fetchRemoteBlock', { host: holder.host, port: holder.port, blockId });
        }
        return bytes ? (v8.deserialize(bytes) as unknown[]) : undefined;
      },
      putCachedBlock(rddId, partition, records, level) {
        return caller.call<boolean>('putBlock', {
          taskId: task.taskId,
          blockId: `rdd_${rddId}_${partition}`,
          bytes: v8.serialize(records),
          level: level.name,
        });
      },
      checkInterrupted() {},
    };
  }
}

/** Wraps a persisted RDD's compute: read the cached block, or compute, store and return it. */
function withCache(rddId: number, levelName: string, compute: PartitionCompute): PartitionCompute {
  const level = storageLevelByName(levelName)!;
  return (p, tc) => {
    const hit = tc.getCachedBlock(rddId, p);
    if (hit) return hit[Symbol.iterator]();
    const records = Array.from({ [Symbol.iterator]: () => compute(p, tc) });
    tc.putCachedBlock(rddId, p, records, level);
    return records[Symbol.iterator]();
  };
}

function failureReason(e: unknown): TaskEndReason {
  if (e instanceof FetchFailedError || KindlingError.isKind(e, 'FetchFailedError')) {
    const f = e as FetchFailedError;
    return {
      kind: 'fetch-failed',
      shuffleId: f.shuffleId,
      mapIndex: f.mapIndex,
      reduceId: f.reduceId,
      executorId: f.executorId,
      message: f.message,
    };
  }
  return { kind: 'exception', error: serializeError(e) };
}
