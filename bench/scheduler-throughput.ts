/**
 * Scheduler throughput: one job of many no-op tasks (one element per partition), so the time is
 * all per-task overhead: scheduling, launch, task-binary lookup, result encoding and reporting.
 */
import { fmt, fmtRatio } from './table.js';
import { median, timed, type Benchmark } from './harness.js';

export interface SchedulerThroughputOptions {
  name?: string;
  master: string;
  /** Tasks in the measured job (full / quick). */
  tasks?: { full: number; quick: number };
  /** Measured repetitions; the median is reported. */
  repetitions?: number;
  targetTasksPerSec?: number;
}

export function schedulerThroughput(o: SchedulerThroughputOptions): Benchmark {
  const sizes = o.tasks ?? { full: 10_000, quick: 2_000 };
  const target = o.targetTasksPerSec ?? 5_000;
  const repetitions = o.repetitions ?? 3;
  return {
    name: o.name ?? 'scheduler-throughput',
    master: o.master,
    what: ({ quick, master }) =>
      `\`${master}\`: \`parallelize(range(${fmt(quick ? sizes.quick : sizes.full)}), ${fmt(quick ? sizes.quick : sizes.full)}).foreach(() => {})\`, median of ${repetitions} jobs`,
    async run(opts) {
      const n = opts.quick ? sizes.quick : sizes.full;
      const kc = await opts.context();
      const data = Array.from({ length: n }, (_, i) => i);
      // Warm-up: a smaller job of the same shape (JIT, thread start-up, module loading).
      const warm = Math.max(100, Math.floor(n / 10));
      await kc.parallelize(data.slice(0, warm), warm).foreach(() => {});
      const rates: number[] = [];
      for (let r = 0; r < repetitions; r++) {
        const { ms } = await timed(() => kc.parallelize(data, n).foreach(() => {}));
        rates.push(n / (ms / 1000));
        opts.log(`  job ${r + 1}: ${n} tasks in ${ms.toFixed(0)} ms = ${fmt(n / (ms / 1000))} tasks/s`);
      }
      const rate = median(rates);
      return {
        result: `${fmt(rate)} tasks/s`,
        baseline: 'none (vs target)',
        ratio: rate / target,
        target: `>= ${fmt(target)} tasks/s`,
        met: rate >= target,
        notes: [`tasks/s per job: ${rates.map((x) => fmt(x)).join(', ')} (ratio = result / target: ${fmtRatio(rate / target)})`],
      };
    },
  };
}
