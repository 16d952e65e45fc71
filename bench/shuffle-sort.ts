/**
 * Shuffle: sortByKey of N [random key, short string] records generated on the executors, counted,
 * against Array.prototype.sort of the same records in one process.
 */
import { makeRecord, sortBaseline } from './baselines/sort-baseline.js';
import { fmt, fmtMs } from './table.js';
import { StageRecorder, settle, timed, type Benchmark } from './harness.js';

/** Records of the ordering check: enough that every reduce partition takes the large-run sort path. */
const CHECK_RECORDS = 200_000;

export interface ShuffleSortOptions {
  name?: string;
  master: string;
  records?: { full: number; quick: number };
  /** Map-side partitions of kc.range (the sort keeps the same number of reduce partitions). */
  slices?: number;
  /** Kindling / baseline runs, alternated; the best of each is compared. */
  repetitions?: number;
  /** Required Kindling records/s as a multiple of the baseline's; undefined reports the ratio only. */
  targetRatio?: number;
}

export function shuffleSort(o: ShuffleSortOptions): Benchmark {
  const sizes = o.records ?? { full: 5_000_000, quick: 1_000_000 };
  const slices = o.slices ?? 8;
  const repetitions = o.repetitions ?? 2;
  return {
    name: o.name ?? 'shuffle-sort',
    master: o.master,
    what: ({ quick, master }) =>
      `\`${master}\`: \`range(0, ${fmt(quick ? sizes.quick : sizes.full)}, 1, ${slices}).map(i => [randomKey, str]).sortByKey().count()\` vs one-process Array.sort, best of ${repetitions}`,
    async run(opts) {
      const n = opts.quick ? sizes.quick : sizes.full;
      const kc = await opts.context();
      // Warm-up: a small sort of the same shape.
      await kc.range(0, 20_000, 1, slices).map(makeRecord).sortByKey().count();

      const stages = new StageRecorder(kc);
      let kMs = Infinity;
      let bMs = Infinity;
      let stageSummary = '';
      let baseline = { count: 0, generateMs: 0, sortMs: 0, sorted: false };
      const kTimes: number[] = [];
      const bTimes: number[] = [];
      // Alternate Kindling and baseline runs; the best of each is compared.
      for (let r = 0; r < repetitions; r++) {
        stages.reset();
        const k = await timed(() => kc.range(0, n, 1, slices).map(makeRecord).sortByKey().count());
        if (k.value !== n) throw new Error(`sortByKey().count() returned ${k.value}, expected ${n}`);
        kTimes.push(k.ms);
        if (k.ms < kMs) stageSummary = stages.summary();
        kMs = Math.min(kMs, k.ms);
        opts.log(`  kindling run ${r + 1}: ${fmtMs(k.ms)}`);
        await settle(50);
        const b = await timed(() => sortBaseline(n));
        if (!b.value.sorted || b.value.count !== n) throw new Error('baseline sort is wrong');
        bTimes.push(b.ms);
        if (b.ms < bMs) baseline = b.value;
        bMs = Math.min(bMs, b.ms);
        opts.log(`  baseline run ${r + 1}: ${fmtMs(b.ms)} (generate ${fmtMs(b.value.generateMs)}, sort ${fmtMs(b.value.sortMs)})`);
        await settle(50);
      }
      stages.dispose();

      // Ordering check on a small input: collect() must be globally sorted.
      const sample = await kc.range(0, CHECK_RECORDS, 1, slices).map(makeRecord).sortByKey().collect();
      if (sample.length !== CHECK_RECORDS) throw new Error(`collect() returned ${sample.length} records, expected ${CHECK_RECORDS}`);
      for (let i = 1; i < sample.length; i++) {
        if (sample[i - 1]![0] > sample[i]![0]) throw new Error(`sortByKey output out of order at ${i}`);
      }

      const kRate = n / (kMs / 1000);
      const bRate = n / (bMs / 1000);
      const ratio = kRate / bRate;
      return {
        result: `${fmt(kRate)} records/s (${fmtMs(kMs)})`,
        baseline: `${fmt(bRate)} records/s (${fmtMs(bMs)}), Array.sort`,
        ratio,
        target: o.targetRatio === undefined ? 'report ratio' : `>= ${o.targetRatio.toFixed(2)}x baseline`,
        met: o.targetRatio === undefined ? undefined : ratio >= o.targetRatio,
        notes: [
          `kindling time includes sortByKey's sampling job, generation, shuffle write/read and the sort; ` +
            `baseline (best run): generate ${fmtMs(baseline.generateMs)} + sort ${fmtMs(baseline.sortMs)}; ordering checked on ${fmt(CHECK_RECORDS)} records (collect)`,
          `kindling stages (best run): ${stageSummary}`,
          `kindling runs: ${kTimes.map(fmtMs).join(', ')}; baseline runs: ${bTimes.map(fmtMs).join(', ')} (best of each compared)`,
        ],
      };
    },
  };
}
