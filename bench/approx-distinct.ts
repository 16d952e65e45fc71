/**
 * countApproxDistinct against the exact distinct().count() on the same data: the sketch needs
 * no shuffle and a few KiB per partition, so it should be faster, within its relativeSD.
 */
import { fmtMs, fmtRatio } from './table.js';
import { median, settle, timed, type Benchmark } from './harness.js';

export interface ApproxDistinctOptions {
  name?: string;
  master: string;
  records?: { full: number; quick: number };
  runs?: { full: number; quick: number };
}

export function approxDistinct(o: ApproxDistinctOptions): Benchmark {
  const records = o.records ?? { full: 2_000_000, quick: 200_000 };
  const runs = o.runs ?? { full: 5, quick: 2 };
  return {
    name: o.name ?? 'count-approx-distinct',
    master: o.master,
    what: ({ quick, master }) =>
      `\`${master}\`: ${(quick ? records.quick : records.full).toLocaleString('en-US')} strings over 8 partitions, ~1/4 distinct; \`countApproxDistinct(0.05)\` vs \`distinct().count()\`, median of ${quick ? runs.quick : runs.full}`,
    async run(opts) {
      const kc = await opts.context();
      const n = opts.quick ? records.quick : records.full;
      const distinctValues = Math.floor(n / 4);
      const data = kc
        .range(0, n, 1, 8)
        .map((i, env) => `user-${(i * 2654435761) % env.d}`, { d: distinctValues })
        .cache();
      await data.count();
      await settle(10);
      const exactMs: number[] = [];
      const approxMs: number[] = [];
      let exact = 0;
      let approx = 0;
      for (let i = 0; i < (opts.quick ? runs.quick : runs.full); i++) {
        const e = await timed(() => data.distinct().count());
        exact = e.value;
        exactMs.push(e.ms);
        const a = await timed(() => data.countApproxDistinct(0.05));
        approx = a.value;
        approxMs.push(a.ms);
      }
      await data.unpersist();
      const exactMed = median(exactMs);
      const approxMed = median(approxMs);
      const error = Math.abs(approx - exact) / exact;
      return {
        result: `approx ${fmtMs(approxMed)} (estimate ${approx.toLocaleString('en-US')}, error ${(error * 100).toFixed(1)}%)`,
        baseline: `distinct().count() ${fmtMs(exactMed)} (exact ${exact.toLocaleString('en-US')})`,
        ratio: exactMed / approxMed,
        target: 'faster than the exact count, error < 3 * 0.05',
        met: approxMed < exactMed && error < 0.15,
        notes: [`ratio = exact median / approx median = ${fmtRatio(exactMed / approxMed)}`],
      };
    },
  };
}
