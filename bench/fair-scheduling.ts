/**
 * FAIR vs FIFO scheduler overhead: the same work (two concurrent jobs of no-op tasks, one element
 * per partition) on a FIFO context and on a FAIR context whose jobs sit in two weighted pools.
 * FAIR sorts the pool tree on every offer round; the ratio says what that costs per task.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KindlingContext } from '@kindling/core';
import { fmt, fmtRatio } from './table.js';
import { median, timed, type Benchmark } from './harness.js';

const POOLS = `<allocations>
  <pool name="a"><schedulingMode>FIFO</schedulingMode><weight>1</weight></pool>
  <pool name="b"><schedulingMode>FAIR</schedulingMode><weight>3</weight><minShare>1</minShare></pool>
</allocations>`;

export function fairScheduling(o: { master: string; repetitions?: number; minRatio?: number }): Benchmark {
  const repetitions = o.repetitions ?? 5;
  const minRatio = o.minRatio ?? 0.9;
  const sizes = { full: 10_000, quick: 2_000 };
  return {
    name: 'fair-vs-fifo-scheduling',
    master: o.master,
    what: ({ quick, master }) =>
      `\`${master}\`: two concurrent \`parallelize(range(${fmt((quick ? sizes.quick : sizes.full) / 2)}), same).foreach(() => {})\` jobs, FAIR (pools a, b) vs FIFO, median of ${repetitions}`,
    async run(opts) {
      const n = opts.quick ? sizes.quick : sizes.full;
      fs.mkdirSync(opts.dataDir, { recursive: true });
      const file = path.join(opts.dataDir, 'fairscheduler-bench.xml');
      fs.writeFileSync(file, POOLS);
      const fifo = await opts.context(opts.master);
      const fair = await opts.context(opts.master, { 'kindling.scheduler.mode': 'FAIR', 'kindling.scheduler.allocation.file': file });
      const data = Array.from({ length: n / 2 }, (_, i) => i);
      const work = (kc: KindlingContext, pools: boolean) =>
        Promise.all(
          ['a', 'b'].map((pool) =>
            kc.withLocalProperties(pools ? { 'kindling.scheduler.pool': pool } : {}, () => kc.parallelize(data, data.length).foreach(() => {})),
          ),
        );
      // Warm-up of both: JIT, thread start-up, module loading.
      await work(fifo, false);
      await work(fair, true);
      const rates = { fifo: [] as number[], fair: [] as number[] };
      for (let r = 0; r < repetitions; r++) {
        // Alternate which goes first, so warm-up and load drifts hit both alike.
        const fairFirst = r % 2 === 1;
        const p0 = fairFirst ? await timed(() => work(fair, true)) : undefined;
        const f = await timed(() => work(fifo, false));
        const p = p0 ?? (await timed(() => work(fair, true)));
        rates.fifo.push(n / (f.ms / 1000));
        rates.fair.push(n / (p.ms / 1000));
        opts.log(`  round ${r + 1}: FIFO ${fmt(n / (f.ms / 1000))} tasks/s, FAIR ${fmt(n / (p.ms / 1000))} tasks/s`);
      }
      const fifoRate = median(rates.fifo);
      const fairRate = median(rates.fair);
      const ratio = fairRate / fifoRate;
      return {
        result: `FAIR ${fmt(fairRate)} tasks/s`,
        baseline: `FIFO ${fmt(fifoRate)} tasks/s`,
        ratio,
        target: `FAIR/FIFO >= ${minRatio}`,
        met: ratio >= minRatio,
        notes: [`FAIR/FIFO throughput ratio ${fmtRatio(ratio)} (FIFO ${rates.fifo.map((x) => fmt(x)).join(', ')}; FAIR ${rates.fair.map((x) => fmt(x)).join(', ')})`],
      };
    },
  };
}
