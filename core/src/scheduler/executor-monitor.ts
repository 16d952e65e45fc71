import type { DynamicAllocationConf } from './dynamic-allocation-conf.js';

/** What the monitor asks the driver about executors' data. */
export interface ExecutorDataSources {
  /** Executors holding cached RDD blocks. */
  cachedExecutors(): ReadonlySet<string>;
  /** Executors holding map output of a shuffle an active job still needs. */
  activeShuffleExecutors(): ReadonlySet<string>;
}

interface Tracker {
  runningTasks: number;
  /** When it last became idle; -1 while it runs tasks. */
  idleStart: number;
  pendingRemoval: boolean;
}

export interface TimedOutExecutor {
  executorId: string;
  /** Why it goes, for the executor-removed event: e.g. "idle for 60 s". */
  reason: string;
}

const P = 'kindling.dynamicAllocation';

/**
 * Which executors are idle and for how long (Spark's ExecutorMonitor). An idle executor times out
 * after executorIdleTimeout; one holding cached blocks after cachedExecutorIdleTimeout; one
 * holding shuffle output an active job still needs (shuffle tracking) is kept until
 * shuffleTracking.timeout, by default for as long as that job runs.
 */
export class ExecutorMonitor {
  private readonly executors = new Map<string, Tracker>();

  constructor(
    private readonly conf: DynamicAllocationConf,
    private readonly sources: ExecutorDataSources,
  ) {}

  get executorCount(): number {
    return this.executors.size;
  }

  get pendingRemovalCount(): number {
    let n = 0;
    for (const e of this.executors.values()) if (e.pendingRemoval) n++;
    return n;
  }

  executorIds(): string[] {
    return [...this.executors.keys()];
  }

  executorAdded(executorId: string, now: number): void {
    if (!this.executors.has(executorId)) this.executors.set(executorId, { runningTasks: 0, idleStart: now, pendingRemoval: false });
  }

  executorRemoved(executorId: string): void {
    this.executors.delete(executorId);
  }

  taskStarted(executorId: string, now: number): void {
    this.executorAdded(executorId, now);
    const e = this.executors.get(executorId)!;
    e.runningTasks++;
    e.idleStart = -1;
  }

  taskEnded(executorId: string, now: number): void {
    const e = this.executors.get(executorId);
    if (!e || e.runningTasks === 0) return;
    if (--e.runningTasks === 0) e.idleStart = now;
  }

  /** The driver asked to kill these: never offered for removal again. */
  executorsKilled(executorIds: readonly string[]): void {
    for (const id of executorIds) {
      const e = this.executors.get(id);
      if (e) e.pendingRemoval = true;
    }
  }

  /** Idle executors whose timeout has passed, each with the reason it may go. */
  timedOutExecutors(now: number): TimedOutExecutor[] {
    const out: TimedOutExecutor[] = [];
    let cached: ReadonlySet<string> | undefined;
    let shuffles: ReadonlySet<string> | undefined;
    for (const [executorId, e] of this.executors) {
      if (e.pendingRemoval || e.idleStart < 0) continue;
      cached ??= this.sources.cachedExecutors();
      shuffles ??= this.sources.activeShuffleExecutors();
      let timeout = this.conf.executorIdleTimeoutMs;
      let why = '';
      if (cached.has(executorId)) {
        timeout = this.conf.cachedExecutorIdleTimeoutMs;
        why = ` with cached blocks (${P}.cachedExecutorIdleTimeout)`;
      }
      if (shuffles.has(executorId)) {
        timeout = Math.max(timeout, this.conf.shuffleTrackingTimeoutMs);
        why = ` holding shuffle output an active job needs (${P}.shuffleTracking.timeout)`;
      }
      if (timeout === Infinity || now - e.idleStart < timeout) continue;
      out.push({ executorId, reason: `idle for ${formatDuration(timeout)}${why}` });
    }
    return out;
  }
}

/** "60 s", "1.5 s", "250 ms". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
