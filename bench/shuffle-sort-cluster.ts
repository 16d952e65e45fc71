/**
 * Shuffle across executor processes: sortByKey of N records on local-cluster, against the same
 * job on local[2] in the same run (threads in one process). The ratio shows what the process
 * boundary (network block fetch, RPC, separate heaps) costs.
 */
import { makeRecord } from './baselines/sort-baseline.js';
import { fmt, fmtMs } from './table.js';
import { settle, timed, type Benchmark } from './harness.js';

export interface ShuffleSortClusterOptions {
  name?: string;
  master: string;
  baselineMaster: string;
  records?: { full: number; quick: number };
  slices?: number;
  repetitions?: number;
}

export function shuffleSortCluster(o: ShuffleSortClusterOptions): Benchmark {
  const sizes = o.records ?? { full: 5_000_000, quick: 500_000 };
  const slices = o.slices ?? 8;
  const repetitions = o.repetitions ?? 2;
  return {
    name: o.name ?? 'shuffle-sort/local-cluster',
    master: o.master,
    what: ({ quick, master }) =>
      `\`${master}\`: \`range(0, ${fmt(quick ? sizes.quick : sizes.full)}, 1, ${slices}).map(i => [randomKey, str]).sortByKey().count()\` vs the same job on \`${o.baselineMaster}\`, best of ${repetitions}`,
    async run(opts) {
      const n = opts.quick ? sizes.quick : sizes.full;
      const sort = async (master: string) => {
        const kc = await opts.context(master);
        await kc.range(0, 20_000, 1, slices).map(makeRecord).sortByKey().count(); // warm-up
        let best = Infinity;
        for (let r = 0; r < repetitions; r++) {
          const k = await timed(() => kc.range(0, n, 1, slices).map(makeRecord).sortByKey().count());
          if (k.value !== n) throw new Error(`sortByKey().count() on ${master} returned ${k.value}, expected ${n}`);
          opts.log(`  ${master} run ${r + 1}: ${fmtMs(k.ms)}`);
          best = Math.min(best, k.ms);
          await settle(50);
        }
        await kc.stop();
        return best;
      };
      const clusterMs = await sort(opts.master);
      const localMs = await sort(o.baselineMaster);
      const clusterRate = n / (clusterMs / 1000);
      const localRate = n / (localMs / 1000);
      return {
        result: `${fmt(clusterRate)} records/s (${fmtMs(clusterMs)})`,
        baseline: `${fmt(localRate)} records/s (${fmtMs(localMs)}) on ${o.baselineMaster}`,
        ratio: clusterRate / localRate,
        target: `records/s, compared with ${o.baselineMaster}`,
        met: undefined,
      };
    },
  };
}
