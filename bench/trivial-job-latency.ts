/** Trivial-job latency: a tiny two-partition job, warm, end to end as the user sees it. */
import { fmtMs } from './table.js';
import { median, percentile, settle, timed, type Benchmark } from './harness.js';

export interface TrivialJobLatencyOptions {
  name?: string;
  master: string;
  warmup?: { full: number; quick: number };
  jobs?: { full: number; quick: number };
  targetMedianMs?: number;
}

export function trivialJobLatency(o: TrivialJobLatencyOptions): Benchmark {
  const warmups = o.warmup ?? { full: 20, quick: 5 };
  const jobs = o.jobs ?? { full: 200, quick: 30 };
  const target = o.targetMedianMs ?? 5;
  return {
    name: o.name ?? 'trivial-job-latency',
    master: o.master,
    what: ({ quick, master }) =>
      `\`${master}\`: \`parallelize([1..100], 2).count()\`, ${quick ? jobs.quick : jobs.full} warm jobs after ${quick ? warmups.quick : warmups.full} warm-ups`,
    async run(opts) {
      const kc = await opts.context();
      const data = Array.from({ length: 100 }, (_, i) => i + 1);
      const once = async () => {
        const n = await kc.parallelize(data, 2).count();
        if (n !== 100) throw new Error(`count() returned ${n}, expected 100`);
      };
      for (let i = 0; i < (opts.quick ? warmups.quick : warmups.full); i++) await once();
      await settle(10);
      const samples: number[] = [];
      for (let i = 0; i < (opts.quick ? jobs.quick : jobs.full); i++) samples.push((await timed(once)).ms);
      const med = median(samples);
      const p90 = percentile(samples, 90);
      return {
        result: `median ${fmtMs(med)}, p90 ${fmtMs(p90)}`,
        baseline: 'none (vs target)',
        ratio: target / med,
        target: `median <= ${target} ms`,
        met: med <= target,
        notes: [
          `latency min ${fmtMs(Math.min(...samples))}, p50 ${fmtMs(med)}, p90 ${fmtMs(p90)}, p99 ${fmtMs(percentile(samples, 99))}, max ${fmtMs(Math.max(...samples))} (ratio = target / median)`,
        ],
      };
    },
  };
}
