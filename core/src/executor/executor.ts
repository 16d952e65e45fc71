import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { KindlingConf } from '../conf/kindling-conf.js';
import { KindlingError, serializeError } from '../errors.js';
import type { TaskDescription } from '../scheduler/task-description.js';
import type { TaskEndReason } from '../scheduler/task-end-reason.js';
import type { BlockUpdate } from '../scheduler/task-result.js';
import type { TaskState } from '../scheduler/task-state.js';
import { parseMemoryMiB } from '../conf/units.js';
import { BlockStore } from './block-store.js';
import { createSyncChannel, type SyncRequest } from './sync-channel.js';
import { encodeTaskFailure, encodeTaskResult } from './task-result-codec.js';
import type { TaskOutcome, TaskThreadConfig } from './task-runner.js';

/** What an executor needs from its driver; local backends call the driver directly, remote ones over RPC. */
export interface ExecutorDriverClient {
  fetchTaskBinary(binaryId: number): Promise<Uint8Array>;
  fetchBroadcast(broadcastId: number): Promise<Uint8Array>;
  /** Reports a task's state; `data` is an encoded result (FINISHED) or failure reason (otherwise). */
  statusUpdate(taskId: number, state: TaskState, data: Uint8Array): void;
}

/**
 * Fetches blocks from other executors' block transfer services, in parallel with a bound on
 * the bytes in flight; results come back in request order.
 */
export type RemoteBlockFetcher = (
  requests: Array<{ host: string; port: number; blockId: string; size: number }>,
) => Promise<Array<{ blockId: string; bytes: Uint8Array }>>;

/** A reducer's request for the remote blocks of one reduce partition, grouped by the executor holding them. */
export interface RemoteShuffleFetch {
  groups: Array<{ executorId: string; host: string; port: number; blocks: Array<{ blockId: string; size: number; mapIndex: number }> }>;
  /** Fetched blocks above `spillAboveBytes` in total are written here instead of held in memory. */
  dir: string;
  spillAboveBytes: number;
}

export type RemoteShuffleFetchResult = Array<
  | { executorId: string; ok: true; blocks: Array<{ mapIndex: number; bytes?: Uint8Array; file?: string }> }
  | { executorId: string; ok: false; mapIndex: number; message: string }
>;

export interface ExecutorOptions {
  executorId: string;
  host: string;
  cores: number;
  conf: KindlingConf;
  driver: ExecutorDriverClient;
  /** Parent of this executor's working directory; kindling.local.dir or the OS temp dir by default. */
  localRoot?: string;
  remoteFetcher?: RemoteBlockFetcher;
  /** Results larger than this fail the task with a message naming the limit (remote executors only). */
  maxResultBytes?: number;
}

interface TaskThread {
  worker: Worker;
  closeSync(): void;
  task: TaskDescription | undefined;
}

/**
 * Spark reserves 300 MiB for the system and gives 60% of the rest to storage and execution. A Node
 * executor needs less fixed headroom than a JVM, so small executors reserve half their memory
 * instead (local-cluster[2,1,256] still caches).
 */
function storageCapacityBytes(memoryMiB: number, fraction: number): number {
  const reserved = Math.min(300, memoryMiB / 2);
  return Math.max(0, (memoryMiB - reserved) * fraction) * 1024 * 1024;
}

/**
 * Runs tasks for one driver: a pool of task threads (one per core), the block store for cached
 * partitions, and the directory where map outputs live. The same class runs in-process for
 * local mode and inside `kindling-executor` processes.
 */
export class Executor {
  readonly executorId: string;
  readonly host: string;
  readonly cores: number;
  readonly localDir: string;
  readonly blocks: BlockStore;
  private readonly threads: TaskThread[] = [];
  private readonly queue: TaskDescription[] = [];
  private readonly broadcasts = new Map<number, Uint8Array>();
  private readonly pendingBlockUpdates = new Map<number, BlockUpdate[]>();
  private readonly running = new Map<number, TaskThread>();
  private stopped = false;

  constructor(private readonly options: ExecutorOptions) {
    this.executorId = options.executorId;
    this.host = options.host;
    this.cores = options.cores;
    const root = options.localRoot ?? options.conf.get('kindling.local.dir') ?? os.tmpdir();
    fs.mkdirSync(root, { recursive: true });
    this.localDir = fs.mkdtempSync(path.join(root, `kindling-executor-${sanitize(options.executorId)}-`));
    for (const sub of ['shuffle', 'blocks', 'spill']) fs.mkdirSync(path.join(this.localDir, sub));
    removeAtExit(this.localDir);
    const memoryMiB = parseMemoryMiB(options.conf.get('kindling.executor.memory', '1g'));
    const fraction = options.conf.getNumber('kindling.memory.fraction', 0.6);
    this.blocks = new BlockStore(path.join(this.localDir, 'blocks'), storageCapacityBytes(memoryMiB, fraction));
  }

  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.cores }, () => this.spawnThread()));
  }

  /** Queues a task; it runs on the first free task thread. */
  launchTask(task: TaskDescription): void {
    if (this.stopped) return;
    this.queue.push(task);
    this.dispatch();
  }

  /** Stops a running attempt by replacing its thread: JS cannot interrupt synchronous code. */
  killTask(taskId: number, reason: string): void {
    const queued = this.queue.findIndex((t) => t.taskId === taskId);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.report(taskId, 'KILLED', encodeTaskFailure({ kind: 'killed', reason }));
      return;
    }
    const thread = this.running.get(taskId);
    if (!thread) return;
    this.running.delete(taskId);
    thread.task = undefined;
    this.pendingBlockUpdates.delete(taskId);
    void this.retire(thread);
    this.report(taskId, 'KILLED', encodeTaskFailure({ kind: 'killed', reason }));
    this.replaceThread();
  }

  removeRdd(rddId: number): void {
    this.blocks.removeRdd(rddId);
  }

  removeBroadcast(broadcastId: number): void {
    this.broadcasts.delete(broadcastId);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.queue.length = 0;
    await Promise.all(this.threads.splice(0).map((t) => this.retire(t)));
    fs.rmSync(this.localDir, { recursive: true, force: true });
    liveDirs.delete(this.localDir);
  }

  get activeTasks(): number {
    return this.running.size;
  }

  // ---- threads ----

  private async spawnThread(): Promise<void> {
    if (this.stopped) return;
    const channel = createSyncChannel((req) => this.handleSyncRequest(req));
    const config: TaskThreadConfig = {
      executorId: this.executorId,
      host: this.host,
      localDir: this.localDir,
      shuffleMemoryBytes: this.options.conf.getSizeBytes('kindling.shuffle.spill.threshold', '64m'),
      maxInMemoryFetchBytes: this.options.conf.getSizeBytes('kindling.reducer.maxSizeInFlight', '48m'),
      readHostLocalDisk: this.options.conf.getBoolean('kindling.shuffle.readHostLocalDisk', true),
      appRoot: this.options.conf.get('kindling.app.root') ?? process.cwd(),
      filesDir: this.options.conf.get('kindling.files.dir'),
    };
    const worker = new Worker(new URL('./task-worker.js', import.meta.url), {
      workerData: { config, sync: channel.workerSide },
      transferList: [channel.workerSide.port],
    });
    const thread: TaskThread = { worker, closeSync: channel.close, task: undefined };
    this.threads.push(thread);
    // A thread that dies before it is online (e.g. a module loader that fails) must not leave
    // start() waiting, nor be respawned forever.
    await new Promise<void>((resolve, reject) => {
      const failed = (err: Error) => {
        const i = this.threads.indexOf(thread);
        if (i >= 0) this.threads.splice(i, 1);
        channel.close();
        reject(new KindlingError(`Executor ${this.executorId} could not start a task thread: ${err.message}`, { cause: err }));
      };
      worker.once('error', failed);
      worker.once('exit', (code) => failed(new Error(`the thread exited with code ${code} while starting`)));
      worker.once('online', () => {
        worker.removeAllListeners('error');
        worker.removeAllListeners('exit');
        worker.on('message', (msg: { type: 'done'; taskId: number; outcome: TaskOutcome }) => this.onDone(thread, msg));
        worker.on('error', (err) => this.onThreadDeath(thread, err));
        worker.on('exit', (code) => this.onThreadDeath(thread, new Error(`Task thread exited with code ${code}`)));
        resolve();
      });
    });
  }

  /** Replaces a lost thread; if it cannot start, the queued tasks fail with the reason instead of waiting. */
  private replaceThread(): void {
    this.spawnThread().then(
      () => this.dispatch(),
      (err: Error) => {
        for (const task of this.queue.splice(0)) {
          this.report(task.taskId, 'FAILED', encodeTaskFailure({ kind: 'exception', error: serializeError(err) }));
        }
      },
    );
  }

  private retire(thread: TaskThread): Promise<number> {
    const i = this.threads.indexOf(thread);
    if (i >= 0) this.threads.splice(i, 1);
    thread.worker.removeAllListeners('exit');
    thread.worker.removeAllListeners('error');
    thread.closeSync();
    return thread.worker.terminate();
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const thread = this.threads.find((t) => t.task === undefined);
      if (!thread) return;
      const task = this.queue.shift()!;
      thread.task = task;
      this.running.set(task.taskId, thread);
      thread.worker.postMessage({ type: 'run', task });
    }
  }

  private onDone(thread: TaskThread, msg: { taskId: number; outcome: TaskOutcome }): void {
    if (thread.task?.taskId !== msg.taskId) return;
    thread.task = undefined;
    this.running.delete(msg.taskId);
    const blockUpdates = this.pendingBlockUpdates.get(msg.taskId) ?? [];
    this.pendingBlockUpdates.delete(msg.taskId);
    const o = msg.outcome;
    const limit = this.options.maxResultBytes;
    if (o.ok && limit !== undefined && o.valueBytes.byteLength > limit) {
      const error = new Error(
        `Task ${msg.taskId} result is ${o.valueBytes.byteLength} bytes, which exceeds kindling.rpc.message.maxSize ` +
          `(${limit} bytes). Return less data to the driver (e.g. take(), a reduce, or saveAsTextFile) or raise the limit.`,
      );
      this.report(msg.taskId, 'FAILED', encodeTaskFailure({ kind: 'exception', error: serializeError(error) }));
    } else if (o.ok) {
      const data = encodeTaskResult({ valueBytes: o.valueBytes, accumulatorUpdates: o.accumulatorUpdates, blockUpdates, durationMs: o.durationMs });
      this.report(msg.taskId, 'FINISHED', data);
    } else {
      this.report(msg.taskId, o.reason.kind === 'killed' ? 'KILLED' : 'FAILED', encodeTaskFailure(o.reason));
    }
    this.dispatch();
  }

  /** A thread crashed (e.g. out of memory): fail its task, which counts as the task's own failure. */
  private onThreadDeath(thread: TaskThread, err: Error): void {
    if (this.stopped || !this.threads.includes(thread)) return;
    const task = thread.task;
    void this.retire(thread);
    if (task) {
      this.running.delete(task.taskId);
      this.pendingBlockUpdates.delete(task.taskId);
      const reason: TaskEndReason = { kind: 'exception', error: serializeError(err) };
      this.report(task.taskId, 'FAILED', encodeTaskFailure(reason));
    }
    this.replaceThread();
  }

  private report(taskId: number, state: TaskState, data: Uint8Array): void {
    if (!this.stopped) this.options.driver.statusUpdate(taskId, state, data);
  }

  // ---- requests from task threads ----

  private async handleSyncRequest(req: SyncRequest): Promise<unknown> {
    switch (req.op) {
      case 'binary':
        return this.options.driver.fetchTaskBinary(req.args as number);
      case 'broadcast': {
        const id = req.args as number;
        let bytes = this.broadcasts.get(id);
        if (!bytes) this.broadcasts.set(id, (bytes = await this.options.driver.fetchBroadcast(id)));
        return bytes;
      }
      case 'getBlock':
        return (await this.blocks.get(req.args as string)) ?? null;
      case 'putBlock': {
        const { taskId, blockId, bytes, level } = req.args as { taskId: number; blockId: string; bytes: Uint8Array; level: string };
        const updates = await this.blocks.put(blockId, bytes, level);
        const list = this.pendingBlockUpdates.get(taskId) ?? [];
        list.push(...updates);
        this.pendingBlockUpdates.set(taskId, list);
        return updates.some((u) => u.blockId === blockId && u.memSize + u.diskSize > 0);
      }
      case 'fetchShuffleBlocks':
        return this.fetchShuffleBlocks(req.args as RemoteShuffleFetch);
      case 'fetchRemoteBlock': {
        const { host, port, blockId } = req.args as { host: string; port: number; blockId: string };
        if (!this.options.remoteFetcher) return null;
        try {
          const [r] = await this.options.remoteFetcher([{ host, port, blockId, size: 0 }]);
          return r?.bytes ?? null;
        } catch {
          return null; // the caller recomputes the partition
        }
      }
      default:
        throw new Error(`Unknown task thread request '${req.op}'`);
    }
  }

  /** Fetches each executor's blocks in one bounded parallel batch; a failure names that executor. */
  private async fetchShuffleBlocks(req: RemoteShuffleFetch): Promise<RemoteShuffleFetchResult> {
    const fetcher = this.options.remoteFetcher;
    const total = req.groups.reduce((s, g) => s + g.blocks.reduce((t, b) => t + b.size, 0), 0);
    const toDisk = total > req.spillAboveBytes;
    if (toDisk) fs.mkdirSync(req.dir, { recursive: true });
    return Promise.all(
      req.groups.map(async (g) => {
        if (!fetcher) {
          return { executorId: g.executorId, ok: false as const, mapIndex: g.blocks[0]!.mapIndex, message: 'this executor has no block transfer client' };
        }
        try {
          const fetched = await fetcher(g.blocks.map((b) => ({ host: g.host, port: g.port, blockId: b.blockId, size: b.size })));
          const blocks = fetched.map((f, i) => {
            const mapIndex = g.blocks[i]!.mapIndex;
            if (!toDisk) return { mapIndex, bytes: f.bytes };
            const file = path.join(req.dir, `fetched-${f.blockId}`);
            fs.writeFileSync(file, f.bytes);
            return { mapIndex, file };
          });
          return { executorId: g.executorId, ok: true as const, blocks };
        } catch (e) {
          return { executorId: g.executorId, ok: false as const, mapIndex: g.blocks[0]!.mapIndex, message: (e as Error).message };
        }
      }),
    );
  }
}

/** Executor directories of this process, removed at exit even if stop() never ran (Spark's shutdown hook). */
const liveDirs = new Set<string>();
let exitHookInstalled = false;

function removeAtExit(dir: string): void {
  liveDirs.add(dir);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const d of liveDirs) fs.rmSync(d, { recursive: true, force: true });
  });
}

function sanitize(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_');
}
