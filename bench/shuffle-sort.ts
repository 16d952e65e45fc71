/**
 * Shuffle: sortByKey of N [random key, short string] records generated on the executors, counted,
 * against Array.prototype.sort of the same records in one process.
 */
import { makeRecord, sortBaseline } from './baselines/sort-baseline.js';
import { fmt, fmtMs } from './table.js';
import { StageRecorder, settle, timed, type Benchmark } from './harness.js';

export interface ShuffleSortOptions {
  name?: string;
  master: string;
  records?: { full: number; quick: number };
  /** Map-side partitions of kc.range (the sort keeps the same number of reduce partitions). */
  slices?: number;
  /** Required Kindling records/s as a multiple of the baseline's; undefined reports the ratio only. */
  targetRatio?: number;
}

export function shuffleSort(o: ShuffleSortOptions): Benchmark {
  const sizes = o.records ?? { full: 5_000_000, quick: 1_000_000 };
  const slices = o.slices ?? 8;
  return {
    name: o.name ?? 'shuffle-sort',
    master: o.master,
    what: ({ quick }) =>
      `\`${o.master}\`: \`range(0, ${fmt(quick ? sizes.quick : sizes.full)}, 1, ${slices}).map(i => [randomKey, str]).sortByKey().count()\` vs one-process Array.sort`,
    async run(opts) {
      const n = opts.quick ? sizes.quick : sizes.full;
      const kc = await opts.context();
      // Warm-up: a small sort of the same shape.
      await kc.range(0, 20_000, 1, slices).map(makeRecord).sortByKey().count();

      const stages = new StageRecorder(kc);
      const k = await timed(() => kc.range(0, n, 1, slices).map(makeRecord).sortByKey().count());
      if (k.value !== n) throw new Error(`sortByKey().count() returned ${k.value}, expected ${n}`);
      const stageSummary = stages.summary();
      stages.dispose();
      opts.log(`  kindling: ${fmtMs(k.ms)}`);
      await settle(50);
      const b = await timed(() => sortBaseline(n));
      if (!b.value.sorted || b.value.count !== n) throw new Error('baseline sort is wrong');
      opts.log(`  baseline: ${fmtMs(b.ms)} (generate ${fmtMs(b.value.generateMs)}, sort ${fmtMs(b.value.sortMs)})`);

      // Ordering check on a small input: collect() must be globally sorted.
      const sample = await kc.range(0, 10_000, 1, slices).map(makeRecord).sortByKey().collect();
      for (let i = 1; i < sample.length; i++) {
        if (sample[i - 1]![0] > sample[i]![0]) throw new Error(`sortByKey output out of order at ${i}`);
      }

      const kRate = n / (k.ms / 1000);
      const bRate = n / (b.ms / 1000);
      const ratio = kRate / bRate;
      return {
        result: `${fmt(kRate)} records/s (${fmtMs(k.ms)})`,
        baseline: `${fmt(bRate)} records/s (${fmtMs(b.ms)}), Array.sort`,
        ratio,
        target: o.targetRatio === undefined ? 'report ratio' : `>= ${o.targetRatio.toFixed(2)}x baseline`,
        met: o.targetRatio === undefined ? undefined : ratio >= o.targetRatio,
        notes: [
          `kindling time includes sortByKey's sampling job, generation, shuffle write/read and the sort; ` +
            `baseline: generate ${fmtMs(b.value.generateMs)} + sort ${fmtMs(b.value.sortMs)}; ordering checked on 10,000 records`,
          `kindling stages: ${stageSummary}`,
        ],
      };
    },
  };
}
