import { ClusterManagerError, KindlingError, serializeError } from '../errors.js';
import { decodeTaskFailure, decodeTaskResult } from '../executor/task-result-codec.js';
import type { RpcMessage, Reply, RpcConnectionLike } from '../rpc/rpc-types.js';
import { RpcServer } from '../rpc/rpc-server.js';
import type { ExecutorLossReason } from '../scheduler/executor-loss-reason.js';
import type { SchedulerBackend } from '../scheduler/scheduler-backend.js';
import type { TaskDescription } from '../scheduler/task-description.js';
import type { TaskState } from '../scheduler/task-state.js';
import type { BackendContext } from './cluster-manager.js';
import type { ExecutorLauncher } from './executor-launcher.js';
import { executorExitReason, type ExecutorExit } from './executor-exit.js';
import { rpcSettings } from './rpc-settings.js';
import { coalescedMicrotask } from '../util/coalesced-microtask.js';
import { serveAppPackageChunk } from '../packaging/app-package-server.js';

interface ExecutorData {
  executorId: string;
  conn: RpcConnectionLike;
  host: string;
  cores: number;
  freeCores: number;
  launched: boolean;
  lastHeartbeat: number;
}

export interface CoarseGrainedOptions {
  /** Executors to ask for at start. */
  initialExecutors: number;
  /** start() waits until this share of initialExecutors registered (Spark's minRegisteredResourcesRatio). */
  minRegisteredRatio: number;
  applicationId: string;
}

/**
 * The driver's half of every cluster that runs executors as processes (Spark's
 * CoarseGrainedSchedulerBackend): an RPC endpoint executors register with, offers of their free
 * cores to the task scheduler, task launch and status, heartbeats and executor loss. How
 * processes are started is the adapter's part, behind ExecutorLauncher.
 */
export class CoarseGrainedSchedulerBackend implements SchedulerBackend {
  private server: RpcServer | undefined;
  private launcher: ExecutorLauncher | undefined;
  private readonly executors = new Map<string, ExecutorData>();
  /** Ids the driver asked to kill: their loss is not the application's fault. */
  private readonly killedByDriver = new Set<string>();
  private readonly removed = new Set<string>();
  private reviveTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private readonly taskCpus: number;
  private readonly settings;
  private registrationWaiters: Array<() => void> = [];
  /** Set when the launcher gave up on the application; start() and later jobs fail with it. */
  private failure: string | undefined;

  constructor(
    private readonly context: BackendContext,
    private readonly launcherFactory: (driverUrl: string, backend: CoarseGrainedSchedulerBackend) => ExecutorLauncher,
    private readonly options: CoarseGrainedOptions,
  ) {
    this.taskCpus = context.conf.getInt('kindling.task.cpus', 1);
    this.settings = rpcSettings(context.conf);
  }

  /** `kindling://host:port`, what executors are given as --driver-url. */
  get driverUrl(): string {
    if (!this.server) throw new KindlingError('The driver endpoint is not started');
    return `kindling://${this.context.conf.get('kindling.driver.host', '127.0.0.1')}:${this.server.port}`;
  }

  get registeredExecutors(): string[] {
    return [...this.executors.keys()];
  }

  async start(): Promise<void> {
    const conf = this.context.conf;
    this.server = await RpcServer.listen({
      host: conf.get('kindling.driver.bindAddress', '127.0.0.1'),
      port: conf.getInt('kindling.driver.port', 0),
      secret: this.settings.secret,
      maxFrameBytes: this.settings.maxFrameBytes,
      askTimeoutMs: this.settings.heartbeatTimeoutMs,
      onConnection: (conn) => this.accept(conn),
    });
    this.launcher = this.launcherFactory(this.driverUrl, this);
    const revive = conf.getTimeMs('kindling.scheduler.revive.interval', '1s');
    this.reviveTimer = setInterval(() => this.makeOffers(), revive);
    this.reviveTimer.unref();
    const check = Math.max(50, Math.min(this.settings.heartbeatTimeoutMs / 4, 10_000));
    this.heartbeatTimer = setInterval(() => this.expireDeadExecutors(), check);
    this.heartbeatTimer.unref();
    await this.launcher.requestTotal(this.options.initialExecutors);
    await this.waitForRegistrations();
    if (this.failure) {
      await this.stop();
      throw new ClusterManagerError(this.failure);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.reviveTimer);
    clearInterval(this.heartbeatTimer);
    for (const e of this.executors.values()) {
      try {
        e.conn.send('stopExecutor', { reason: 'driver stopped' });
      } catch {
        // already gone
      }
    }
    await this.launcher?.stop();
    for (const e of this.executors.values()) e.conn.close();
    this.executors.clear();
    await this.server?.close();
    for (const w of this.registrationWaiters) w();
  }

  readonly reviveOffers = coalescedMicrotask(() => this.makeOffers());

  killTask(taskId: number, executorId: string, interruptThread: boolean, reason: string): void {
    this.executors.get(executorId)?.conn.send('killTask', { taskId, reason, interruptThread });
  }

  defaultParallelism(): number {
    let cores = 0;
    for (const e of this.executors.values()) cores += e.cores;
    return this.context.conf.getInt('kindling.default.parallelism', Math.max(cores, 2));
  }

  applicationId(): string {
    return this.options.applicationId;
  }

  async requestTotalExecutors(total: number): Promise<boolean> {
    if (!this.launcher || this.stopping) return false;
    return this.launcher.requestTotal(total);
  }

  async killExecutors(executorIds: string[]): Promise<boolean> {
    if (!this.launcher || this.stopping) return false;
    for (const id of executorIds) this.killedByDriver.add(id);
    return this.launcher.kill(executorIds);
  }

  async removeRdd(rddId: number): Promise<void> {
    for (const e of this.executors.values()) e.conn.send('removeRdd', { rddId });
  }

  async removeBroadcast(broadcastId: number): Promise<void> {
    for (const e of this.executors.values()) e.conn.send('removeBroadcast', { broadcastId });
  }

  /** Called by the launcher when it gives up on the application (e.g. executors keep failing to start). */
  applicationFailed(message: string): void {
    if (this.stopping || this.failure) return;
    this.failure = `Application has been killed. Reason: ${message}`;
    this.context.scheduler.error?.(this.failure);
    for (const w of this.registrationWaiters.splice(0)) w();
  }

  /** Called by the launcher when a process it started has ended. */
  executorProcessExited(executorId: string, exit: ExecutorExit): void {
    this.removeExecutor(executorId, executorExitReason(exit, this.killedByDriver.has(executorId) || this.stopping));
  }

  // ---- connections ----

  private accept(conn: RpcConnectionLike): void {
    let executorId: string | undefined;
    conn.onMessage((msg, reply) => {
      if (msg.type === 'registerExecutor') executorId = String(msg.payload['executorId']);
      return this.handle(conn, msg, reply);
    });
    conn.onClose(() => {
      if (executorId && this.executors.get(executorId)?.conn === conn) void this.onDisconnect(executorId);
    });
  }

  private async onDisconnect(executorId: string): Promise<void> {
    // Ask the launcher how the process ended (it usually knows within a moment), as Spark asks its cluster manager.
    const known = await this.launcher?.lossReason?.(executorId, 1000);
    this.removeExecutor(
      executorId,
      known ?? {
        message:
          'Remote RPC client disassociated. Likely due to containers exceeding thresholds, or network issues. Check driver logs for WARN messages.',
        exitCausedByApp: false,
      },
    );
  }

  private handle(conn: RpcConnectionLike, msg: RpcMessage, reply: Reply): void | Promise<void> {
    const p = msg.payload;
    switch (msg.type) {
      case 'retrieveAppConfig':
        reply('appConfig', { entries: this.context.driver.appConfig(), appId: this.options.applicationId });
        return;
      case 'registerExecutor':
        this.register(conn, p, reply);
        return;
      case 'launchedExecutor': {
        const e = this.executors.get(String(p['executorId']));
        if (e && !e.launched) {
          e.launched = true;
          e.freeCores = e.cores;
          this.makeOffers(e.executorId);
        }
        return;
      }
      case 'statusUpdate':
        this.statusUpdate(String(p['executorId']), Number(p['taskId']), String(p['state']) as TaskState, msg.body ?? new Uint8Array());
        return;
      case 'heartbeat': {
        const e = this.executors.get(String(p['executorId']));
        if (e) e.lastHeartbeat = Date.now();
        reply('ack', {});
        return;
      }
      case 'fetchTaskBinary': {
        const bytes = this.context.driver.taskBinary(Number(p['binaryId']));
        if (!bytes) throw new KindlingError(`Task binary ${p['binaryId']} is no longer available on the driver`);
        reply('ack', {}, bytes);
        return;
      }
      case 'fetchBroadcast': {
        const id = Number(p['broadcastId']);
        const bytes = this.context.driver.broadcastValue(id);
        if (!bytes) throw new KindlingError(`Broadcast ${id} was destroyed or never existed`);
        const offset = Number(p['offset'] ?? 0);
        const chunk = bytes.subarray(offset, offset + Number(p['length'] ?? bytes.byteLength));
        reply('blockData', { blockId: `broadcast_${id}`, found: true, size: bytes.byteLength }, chunk);
        return;
      }
      case 'fetchAppPackage':
        // The driver's file service for the application package, behind the RPC's authentication.
        return serveAppPackageChunk(() => this.context.appPackage(), this.context.appName, p, reply);
      default:
        throw new KindlingError(`The driver does not handle '${msg.type}' messages`);
    }
  }

  private register(conn: RpcConnectionLike, p: Record<string, unknown>, reply: Reply): void {
    const executorId = String(p['executorId']);
    if (this.executors.has(executorId) || this.removed.has(executorId)) {
      throw new ClusterManagerError(`Duplicate executor ID: ${executorId}`);
    }
    if (this.stopping) throw new ClusterManagerError('The driver is stopping');
    const host = String(p['host']);
    const cores = Number(p['cores']);
    this.executors.set(executorId, {
      executorId,
      conn,
      host,
      cores,
      freeCores: 0,
      launched: false,
      lastHeartbeat: Date.now(),
    });
    this.context.executorAddresses.set(executorId, { host, blockPort: Number(p['blockPort']), localDir: String(p['localDir']) });
    reply('ack', {});
    this.launcher?.executorRegistered?.(executorId);
    this.context.scheduler.executorAdded(executorId, host, cores);
    const waiters = this.registrationWaiters;
    this.registrationWaiters = [];
    for (const w of waiters) w();
  }

  private statusUpdate(executorId: string, taskId: number, state: TaskState, body: Uint8Array): void {
    const scheduler = this.context.scheduler;
    if (state === 'FINISHED') {
      scheduler.statusUpdate(taskId, { state, result: decodeTaskResult(body) });
    } else if (state === 'FAILED' || state === 'KILLED' || state === 'LOST') {
      scheduler.statusUpdate(taskId, { state, reason: decodeTaskFailure(body) });
    } else {
      return;
    }
    const e = this.executors.get(executorId);
    if (e) {
      e.freeCores += this.taskCpus;
      this.makeOffers(executorId);
    }
  }

  private removeExecutor(executorId: string, reason: ExecutorLossReason): void {
    const e = this.executors.get(executorId);
    if (!e) return;
    this.executors.delete(executorId);
    this.removed.add(executorId);
    this.context.executorAddresses.delete(executorId);
    e.conn.close();
    if (!this.stopping) this.context.scheduler.executorLost(executorId, reason);
  }

  private expireDeadExecutors(): void {
    const now = Date.now();
    for (const e of [...this.executors.values()]) {
      const silent = now - e.lastHeartbeat;
      if (silent > this.settings.heartbeatTimeoutMs) {
        this.removeExecutor(e.executorId, {
          message: `Executor heartbeat timed out after ${silent} ms`,
          exitCausedByApp: false,
        });
        void this.launcher?.kill([e.executorId], true);
      }
    }
  }

  // ---- offers ----

  private makeOffers(onlyExecutor?: string): void {
    if (this.stopping) return;
    const offers = [];
    for (const e of onlyExecutor ? [this.executors.get(onlyExecutor)] : this.executors.values()) {
      if (e && e.launched && e.freeCores >= this.taskCpus) offers.push({ executorId: e.executorId, host: e.host, cores: e.freeCores });
    }
    if (offers.length === 0) return;
    for (const task of this.context.scheduler.resourceOffers(offers, onlyExecutor === undefined)) this.launch(task);
  }

  private launch(task: TaskDescription): void {
    const e = this.executors.get(task.executorId);
    if (!e) return;
    const binary = this.context.driver.taskBinary(task.binaryId);
    if (binary && binary.byteLength > this.settings.maxFrameBytes) {
      // Spark aborts the task set here; the task's failure carries the limit and the fix.
      const message =
        `Serialized task ${task.name} needs a stage plan of ${binary.byteLength} bytes, which exceeds max allowed: ` +
        `kindling.rpc.message.maxSize (${this.settings.maxFrameBytes} bytes). Consider increasing kindling.rpc.message.maxSize ` +
        'or using broadcast variables for large values.';
      this.context.scheduler.abortTaskSetOf?.(task.taskId, message);
      this.context.scheduler.statusUpdate(task.taskId, {
        state: 'FAILED',
        reason: { kind: 'exception', error: serializeError(new KindlingError(message)) },
      });
      return;
    }
    e.freeCores -= this.taskCpus;
    const { taskId, attemptNumber, executorId, name, index, kind, stageId, stageAttemptId, partition, outputId, jobId, epoch, binaryId } = task;
    e.conn.send('launchTask', { taskId, attemptNumber, executorId, name, index, kind, stageId, stageAttemptId, partition, outputId, jobId, epoch, binaryId });
  }

  private waitForRegistrations(): Promise<void> {
    const wanted = Math.ceil(this.options.initialExecutors * this.options.minRegisteredRatio);
    const deadline = Date.now() + this.context.conf.getTimeMs('kindling.scheduler.maxRegisteredResourcesWaitingTime', '30s');
    return new Promise((resolve) => {
      const check = () => {
        if (this.stopping || this.failure || this.executors.size >= wanted || Date.now() >= deadline) resolve();
        else {
          this.registrationWaiters.push(check);
          setTimeout(check, Math.max(0, deadline - Date.now())).unref();
        }
      };
      check();
    });
  }
}

