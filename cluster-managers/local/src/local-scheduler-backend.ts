import {
  coalescedMicrotask,
  decodeTaskDescription,
  encodeTaskDescription,
  decodeTaskFailure,
  decodeTaskResult,
  Executor,
  KindlingError,
  type BackendContext,
  type SchedulerBackend,
  type TaskState,
} from '@kindling/core/cluster-manager';

const EXECUTOR_ID = 'driver';
const HOST = 'localhost';

/**
 * Local mode: one executor with N task slots inside the driver process. Tasks still go through
 * the executor's encoding and run in worker threads, so what works here works on a cluster.
 */
export class LocalSchedulerBackend implements SchedulerBackend {
  private executor: Executor | undefined;
  private freeCores: number;
  private readonly appId = `local-${Date.now()}`;
  private reviveTimer: NodeJS.Timeout | undefined;
  private readonly taskCpus: number;

  constructor(
    private readonly context: BackendContext,
    private readonly threads: number,
  ) {
    this.freeCores = threads;
    this.taskCpus = context.conf.getInt('kindling.task.cpus', 1);
  }

  async start(): Promise<void> {
    const { conf, driver, scheduler } = this.context;
    this.executor = new Executor({
      executorId: EXECUTOR_ID,
      host: HOST,
      cores: this.threads,
      conf,
      driver: {
        fetchTaskBinary: async (id) => {
          const bytes = driver.taskBinary(id);
          if (!bytes) throw new KindlingError(`Task binary ${id} is no longer available on the driver`);
          return bytes;
        },
        fetchBroadcast: async (id) => {
          const bytes = driver.broadcastValue(id);
          if (!bytes) throw new KindlingError(`Broadcast ${id} was destroyed or never existed`);
          return bytes;
        },
        statusUpdate: (taskId, state, data) => this.statusUpdate(taskId, state, data),
      },
    });
    await this.executor.start();
    this.context.executorAddresses.set(EXECUTOR_ID, { host: HOST, blockPort: 0, localDir: this.executor.localDir });
    scheduler.executorAdded(EXECUTOR_ID, HOST, this.threads);
    // Periodic revive lets delay scheduling move to less local levels without new events.
    const interval = conf.getTimeMs('kindling.scheduler.revive.interval', '1s');
    this.reviveTimer = setInterval(() => this.makeOffers(), interval);
    this.reviveTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.reviveTimer) clearInterval(this.reviveTimer);
    await this.executor?.stop();
    this.executor = undefined;
  }

  readonly reviveOffers = coalescedMicrotask(() => this.makeOffers());

  killTask(taskId: number, _executorId: string, _interruptThread: boolean, reason: string): void {
    this.executor?.killTask(taskId, reason);
  }

  defaultParallelism(): number {
    return this.context.conf.getInt('kindling.default.parallelism', this.threads);
  }

  applicationId(): string {
    return this.appId;
  }

  /** Local mode has exactly one executor; like Spark's LocalSchedulerBackend it cannot add or remove any. */
  async requestTotalExecutors(): Promise<boolean> {
    return false;
  }

  async killExecutors(): Promise<boolean> {
    return false;
  }

  async removeRdd(rddId: number): Promise<void> {
    this.executor?.removeRdd(rddId);
  }

  async removeBroadcast(broadcastId: number): Promise<void> {
    this.executor?.removeBroadcast(broadcastId);
  }

  private statusUpdate(taskId: number, state: TaskState, data: Uint8Array): void {
    const scheduler = this.context.scheduler;
    if (state === 'FINISHED') {
      this.freeCores += this.taskCpus;
      scheduler.statusUpdate(taskId, { state, result: decodeTaskResult(data) });
    } else if (state === 'FAILED' || state === 'KILLED' || state === 'LOST') {
      this.freeCores += this.taskCpus;
      scheduler.statusUpdate(taskId, { state, reason: decodeTaskFailure(data) });
    } else {
      return;
    }
    this.makeOffers();
  }

  private makeOffers(): void {
    if (!this.executor || this.freeCores < this.taskCpus) return;
    const tasks = this.context.scheduler.resourceOffers([{ executorId: EXECUTOR_ID, host: HOST, cores: this.freeCores }], true);
    for (const task of tasks) {
      this.freeCores -= this.taskCpus;
      // Through the same protobuf LaunchTask encoding a remote executor decodes.
      this.executor.launchTask(decodeTaskDescription(encodeTaskDescription(task)));
    }
  }
}
