/**
 * What every benchmark shares: its shape, the context it runs on (by master URL, so the same
 * benchmark can be registered for local[N] and local-cluster[N,C,M]), and timing helpers.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KindlingConf, KindlingContext } from '@kindling/core';
import { ClusterManagerRegistry } from '@kindling/core/cluster-manager';

export interface BenchOptions {
  /** Shrunken sizes for a fast smoke run. */
  quick: boolean;
  /** The master URL this run uses: the benchmark's own, or the one given with --master. */
  master: string;
  /** Generated input data (gitignored). */
  dataDir: string;
  /** Progress lines go to stderr so stdout stays the report. */
  log(msg: string): void;
  /**
   * A context on `master` (default: `opts.master`), stopped by the runner after the
   * benchmark. Throws SkipBenchmark when the master URL cannot be created.
   */
  context(master?: string, conf?: Record<string, string | number | boolean>): Promise<KindlingContext>;
}

export interface Outcome {
  result: string;
  baseline: string;
  /** Higher is better: >= 1 means the target is met. */
  ratio: number | undefined;
  target: string;
  met: boolean | undefined;
  /** Extra lines printed under the table (e.g. correctness checks, raw timings). */
  notes?: string[];
}

export interface Benchmark {
  /** Unique; `--only` matches it. */
  name: string;
  /** The master URL it runs on (unless --master overrides it); one that cannot be created is skipped. */
  master: string;
  /** The "what it runs" cell. */
  what(opts: Pick<BenchOptions, 'quick' | 'master'>): string;
  run(opts: BenchOptions): Promise<Outcome>;
}

/** Thrown (e.g. by BenchOptions.context) to report "skipped: <reason>" instead of a result. */
export class SkipBenchmark extends Error {
  override readonly name = 'SkipBenchmark';
}

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const DATA_DIR = path.join(BENCH_DIR, 'data');

/**
 * Cheap check, without starting executors, that some installed cluster manager accepts
 * `master`; returns the reason it cannot be created, or undefined.
 */
export async function masterUnavailable(master: string): Promise<string | undefined> {
  try {
    const registry = await ClusterManagerRegistry.fromConf(new KindlingConf({}));
    registry.select(master);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Creates contexts for one benchmark and stops them all afterwards. */
export class ContextPool {
  private readonly open: KindlingContext[] = [];

  constructor(private readonly defaultMaster: string) {}

  async context(master = this.defaultMaster, conf: Record<string, string | number | boolean> = {}): Promise<KindlingContext> {
    const unavailable = await masterUnavailable(master);
    if (unavailable) throw new SkipBenchmark(unavailable);
    let kc: KindlingContext;
    try {
      kc = await KindlingContext.create({ master, appName: 'kindling-bench', conf });
    } catch (e) {
      throw new SkipBenchmark(`cannot create ${master}: ${(e as Error).message}`);
    }
    this.open.push(kc);
    return kc;
  }

  async stopAll(): Promise<void> {
    for (const kc of this.open.splice(0)) await kc.stop();
  }
}

// ---- timing ----

export function now(): number {
  return performance.now();
}

/** Runs `fn` and returns its result with the elapsed wall time in ms. */
export async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

/** Nearest-rank percentile (p in [0, 100]) of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function median(samples: readonly number[]): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Gives the event loop (and GC) a turn between measurements. */
export function settle(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---- where the time goes ----

interface StageTiming {
  name: string;
  numTasks: number;
  submitted: number;
  completed?: number;
  taskMs: number[];
}

/**
 * Records stage wall times and task durations through the listener bus, so a benchmark can
 * say which stage its time went to. Call `reset()` before the measured job.
 */
export class StageRecorder {
  private stages = new Map<number, StageTiming>();
  private readonly listener = {
    onStageSubmitted: (e: { stageId: number; name: string; numTasks: number }) => {
      this.stages.set(e.stageId, { name: e.name, numTasks: e.numTasks, submitted: performance.now(), taskMs: [] });
    },
    onStageCompleted: (e: { stageId: number }) => {
      const s = this.stages.get(e.stageId);
      if (s) s.completed = performance.now();
    },
    onTaskEnd: (e: { stageId: number; durationMs: number; successful: boolean }) => {
      if (e.successful) this.stages.get(e.stageId)?.taskMs.push(e.durationMs);
    },
  };

  constructor(private readonly kc: KindlingContext) {
    kc.addListener(this.listener);
  }

  reset(): void {
    this.stages = new Map();
  }

  /** One line per stage: wall time, task count, sum / max task time. */
  summary(): string {
    const parts: string[] = [];
    for (const s of this.stages.values()) {
      const wall = s.completed === undefined ? NaN : s.completed - s.submitted;
      const sum = s.taskMs.reduce((a, b) => a + b, 0);
      const max = s.taskMs.reduce((a, b) => Math.max(a, b), 0);
      const name = s.name.replace(/ at .*/, '');
      parts.push(`${name} (${s.numTasks} tasks): ${wall.toFixed(0)} ms wall, tasks sum ${sum.toFixed(0)} ms / max ${max.toFixed(0)} ms`);
    }
    return parts.join('; ');
  }

  dispose(): void {
    this.kc.removeListener(this.listener);
  }
}
