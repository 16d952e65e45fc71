import type { KindlingConf } from '../conf/kindling-conf.js';
import type { ExecutorEvent, KindlingListener, StageEvent, TaskEvent } from '../listener/kindling-listener.js';
import type { ListenerBus } from '../listener/listener-bus.js';
import { SystemClock, type Clock } from '../util/clock.js';
import type { BlockManagerMaster } from './block-manager-master.js';
import { isDynamicAllocationEnabled, readDynamicAllocationConf, type DynamicAllocationConf } from './dynamic-allocation-conf.js';
import { ExecutorMonitor, type ExecutorDataSources, type TimedOutExecutor } from './executor-monitor.js';
import type { MapOutputTracker } from './map-output-tracker.js';

/** How dynamic allocation changes the cluster: only through these two SchedulerBackend calls. */
export interface ExecutorAllocationClient {
  requestTotalExecutors(total: number): Promise<boolean>;
  killExecutors(executorIds: string[], reason?: string): Promise<boolean>;
}

interface StageTasks {
  numTasks: number;
  /** Task indices (partitions) that have started and not failed since. */
  started: Set<number>;
  running: number;
}

const NOT_SET = -1;

/**
 * Spark's ExecutorAllocationManager: grows the executor target while tasks are backlogged, in
 * rounds of 1, 2, 4, 8 ... (each round after sustainedSchedulerBacklogTimeout), lowers it to what
 * pending and running tasks need, and kills executors that stay idle. It learns about stages,
 * tasks and executors from the listener bus and re-plans every pollInterval (100 ms).
 */
export class ExecutorAllocationManager implements KindlingListener {
  private numExecutorsTarget: number;
  private numExecutorsToAdd = 1;
  /** When the backlog timer fires; NOT_SET while nothing waits. */
  private addTime = NOT_SET;
  /** Until the first stage or idle timeout, the target is never lowered (executors are still starting). */
  private initializing = true;
  private readonly stages = new Map<string, StageTasks>();
  private readonly monitor: ExecutorMonitor;
  private readonly addReasons: string[] = [];
  private observedCores = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private initialAnnounced = 0;

  constructor(
    readonly conf: DynamicAllocationConf,
    private readonly client: ExecutorAllocationClient,
    sources: ExecutorDataSources,
    private readonly options: {
      clock?: Clock;
      executorCores?: number;
      taskCpus?: number;
      warn?: (message: string) => void;
      /** Called once when it stops (detach from the bus). */
      onStop?: () => void;
    } = {},
  ) {
    this.numExecutorsTarget = conf.initialExecutors;
    this.monitor = new ExecutorMonitor(conf, sources);
  }

  private get clock(): Clock {
    return (this.options.clock ??= new SystemClock());
  }

  get targetExecutors(): number {
    return this.numExecutorsTarget;
  }

  get executorsToAddNextRound(): number {
    return this.numExecutorsToAdd;
  }

  /** Asks for the initial target and starts re-planning every pollInterval; false (and stopped) if refused. */
  async start(): Promise<boolean> {
    const accepted = await this.request(this.numExecutorsTarget);
    if (!accepted || this.stopped) return false;
    this.timer = setInterval(() => this.schedule(), this.conf.intervalMs);
    this.timer.unref();
    return true;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.options.onStop?.();
  }

  /** Why an executor that just registered was added (for onExecutorAdded). */
  reasonForAddedExecutor(_executorId: string): string | undefined {
    const requested = this.addReasons.shift();
    if (requested !== undefined) return requested;
    if (this.initialAnnounced >= this.conf.initialExecutors) return undefined;
    this.initialAnnounced++;
    return `initial executor of dynamic allocation (target ${this.conf.initialExecutors})`;
  }

  // ---- planning ----

  /** One planning round (Spark's schedule()): exposed so tests drive it with a manual clock. */
  schedule(now = this.clock.now()): void {
    if (this.stopped) return;
    const timedOut = this.monitor.timedOutExecutors(now);
    if (timedOut.length > 0) this.initializing = false;
    this.updateAndSyncNumExecutorsTarget(now);
    if (timedOut.length > 0) this.removeExecutors(timedOut);
  }

  /** Executors needed to run every pending and running task at once. */
  maxNumExecutorsNeeded(): number {
    let tasks = 0;
    for (const s of this.stages.values()) tasks += s.numTasks - s.started.size + s.running;
    const cores = this.options.executorCores ?? (this.observedCores || 1);
    const tasksPerExecutor = Math.max(1, Math.floor(cores / (this.options.taskCpus ?? 1)));
    return Math.ceil((tasks * this.conf.executorAllocationRatio) / tasksPerExecutor);
  }

  private pendingTasks(): number {
    let n = 0;
    for (const s of this.stages.values()) n += s.numTasks - s.started.size;
    return n;
  }

  private updateAndSyncNumExecutorsTarget(now: number): void {
    if (this.initializing) return;
    const maxNeeded = this.maxNumExecutorsNeeded();
    if (maxNeeded < this.numExecutorsTarget) {
      // Fewer tasks than executors: lower the target at once (this cancels pending requests).
      const old = this.numExecutorsTarget;
      this.numExecutorsTarget = Math.max(maxNeeded, this.conf.minExecutors);
      this.numExecutorsToAdd = 1;
      if (this.numExecutorsTarget < old) void this.request(this.numExecutorsTarget);
    } else if (this.addTime !== NOT_SET && now >= this.addTime) {
      this.addExecutors(maxNeeded);
      this.addTime = now + this.conf.sustainedSchedulerBacklogTimeoutMs;
    }
  }

  private addExecutors(maxNeeded: number): void {
    const old = this.numExecutorsTarget;
    if (old >= this.conf.maxExecutors) {
      this.numExecutorsToAdd = 1;
      return;
    }
    const have = this.monitor.executorCount - this.monitor.pendingRemovalCount;
    // No point ramping up to executors we already have.
    let target = Math.max(old, have) + this.numExecutorsToAdd;
    target = Math.min(target, maxNeeded);
    target = Math.max(Math.min(target, this.conf.maxExecutors), this.conf.minExecutors);
    const delta = target - old;
    if (delta <= 0) {
      this.numExecutorsToAdd = 1;
      return;
    }
    this.numExecutorsTarget = target;
    const why = `requested by dynamic allocation: ${this.pendingTasks()} tasks backlogged, target ${old} -> ${target}`;
    for (let i = Math.max(old, have); i < target; i++) this.addReasons.push(why);
    // Double each round while the backlog lasts, as in Spark; reaching the cap starts again at 1.
    this.numExecutorsToAdd = delta === this.numExecutorsToAdd ? this.numExecutorsToAdd * 2 : 1;
    void this.request(target);
  }

  private removeExecutors(timedOut: TimedOutExecutor[]): void {
    let remaining = this.monitor.executorCount - this.monitor.pendingRemovalCount;
    const chosen: TimedOutExecutor[] = [];
    for (const e of timedOut) {
      // Never below minExecutors, nor below the target the backlog asks for.
      if (remaining - 1 < this.conf.minExecutors || remaining - 1 < this.numExecutorsTarget) continue;
      chosen.push(e);
      remaining--;
    }
    if (chosen.length === 0) return;
    this.monitor.executorsKilled(chosen.map((e) => e.executorId));
    for (const e of chosen) void this.client.killExecutors([e.executorId], e.reason).catch((err) => this.warn(`Could not kill executor ${e.executorId}: ${(err as Error).message}`));
    // Killing lowers a launcher's total; restate ours so it does not drift below the target.
    void this.request(this.numExecutorsTarget);
  }

  private async request(total: number): Promise<boolean> {
    let accepted: boolean;
    try {
      accepted = await this.client.requestTotalExecutors(total);
    } catch (e) {
      this.warn(`Dynamic allocation could not request ${total} executors: ${(e as Error).message}`);
      return false;
    }
    if (!accepted && !this.stopped) {
      this.warn(
        'kindling.dynamicAllocation.enabled is true, but this cluster manager cannot change the number of executors; ' +
          'dynamic allocation is off for this application.',
      );
      this.stop();
    }
    return accepted;
  }

  private warn(message: string): void {
    (this.options.warn ?? ((m: string) => process.emitWarning(m, { code: 'KINDLING_DYNAMIC_ALLOCATION' })))(message);
  }

  // ---- listener ----

  onStageSubmitted(e: StageEvent): void {
    this.initializing = false;
    this.stages.set(`${e.stageId}.${e.attemptId}`, { numTasks: e.numTasks, started: new Set(), running: 0 });
    this.onBacklogChanged();
  }

  onStageCompleted(e: StageEvent): void {
    this.stages.delete(`${e.stageId}.${e.attemptId}`);
    this.onBacklogChanged();
  }

  onTaskStart(e: TaskEvent): void {
    const now = this.clock.now();
    this.monitor.taskStarted(e.executorId, now);
    const s = this.stages.get(`${e.stageId}.${e.stageAttemptId}`);
    if (s) {
      s.started.add(e.partition);
      s.running++;
    }
    this.onBacklogChanged();
  }

  onTaskEnd(e: TaskEvent): void {
    const s = this.stages.get(`${e.stageId}.${e.stageAttemptId}`);
    // A resubmitted map task ended long ago; it only becomes pending again.
    if (e.endReason !== 'resubmitted') {
      this.monitor.taskEnded(e.executorId, this.clock.now());
      if (s && s.running > 0) s.running--;
    }
    if (s && !e.successful) s.started.delete(e.partition);
    this.onBacklogChanged();
  }

  onExecutorAdded(e: ExecutorEvent): void {
    this.observedCores = Math.max(this.observedCores, e.cores);
    this.monitor.executorAdded(e.executorId, this.clock.now());
  }

  onExecutorRemoved(e: ExecutorEvent): void {
    this.monitor.executorRemoved(e.executorId);
  }

  /** Start the backlog timer when tasks wait; reset the ramp-up when none do. */
  private onBacklogChanged(): void {
    if (this.pendingTasks() > 0) {
      if (this.addTime === NOT_SET) this.addTime = this.clock.now() + this.conf.schedulerBacklogTimeoutMs;
    } else {
      this.addTime = NOT_SET;
      this.numExecutorsToAdd = 1;
    }
  }
}

/**
 * Creates dynamic allocation for a context when kindling.dynamicAllocation.enabled is true, before
 * the backend starts, so it sees (and names the reason of) the initial executors too; the
 * context calls start() once the backend is up. On local[N] it only warns.
 */
export function createDynamicAllocation(args: {
  conf: KindlingConf;
  isLocal: boolean;
  client: ExecutorAllocationClient;
  bus: ListenerBus;
  dag: { activeShuffleIds(): Set<number>; executorAddReason: ((id: string) => string | undefined) | undefined };
  tracker: MapOutputTracker;
  blocks: BlockManagerMaster;
}): ExecutorAllocationManager | undefined {
  if (!isDynamicAllocationEnabled(args.conf)) return undefined;
  const conf = readDynamicAllocationConf(args.conf);
  if (args.isLocal) {
    process.emitWarning(
      `kindling.dynamicAllocation.enabled is true, but ${args.conf.get('kindling.master')} runs one in-process executor that ` +
        'cannot be added to or removed; dynamic allocation is ignored. Use local-cluster[N,C,M] or a cluster manager.',
      { code: 'KINDLING_DYNAMIC_ALLOCATION' },
    );
    return undefined;
  }
  const sources: ExecutorDataSources = {
    cachedExecutors: () => args.blocks.executorsWithCachedBlocks(),
    activeShuffleExecutors: () => {
      const out = new Set<string>();
      for (const id of args.dag.activeShuffleIds()) for (const s of args.tracker.statuses(id)) if (s) out.add(s.executorId);
      return out;
    },
  };
  const executorCores = args.conf.has('kindling.executor.cores') ? args.conf.getInt('kindling.executor.cores', 1) : undefined;
  const manager: ExecutorAllocationManager = new ExecutorAllocationManager(conf, args.client, sources, {
    executorCores,
    taskCpus: args.conf.getInt('kindling.task.cpus', 1),
    onStop: () => {
      args.bus.remove(manager);
      args.dag.executorAddReason = undefined;
    },
  });
  args.bus.add(manager);
  args.dag.executorAddReason = (id) => manager.reasonForAddedExecutor(id);
  return manager;
}
