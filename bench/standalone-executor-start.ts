/**
 * Standalone executor start: from KindlingContext.create until 4 executors registered on a
 * standalone cluster of 2 workers x 2 executors (master and workers run in this process, the
 * executors as processes), against local-cluster[4,1,256] executor start in the same run.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KindlingConf } from '@kindling/core/cluster-manager';
import { Master, Worker } from '@kindling/cluster-manager-standalone';
import { median, settle, timed, type Benchmark } from './harness.js';
import { fmtMs } from './table.js';

export function standaloneExecutorStart(o: { repetitions?: number } = {}): Benchmark {
  const repetitions = o.repetitions ?? 5;
  const baselineMaster = 'local-cluster[4,1,256]';
  return {
    name: 'standalone-executor-start',
    master: 'local[1]', // the runner's availability check; the benchmark starts its own cluster
    what: () =>
      `\`spark://\` (2 workers x 2 executors of 1 core, 256 MiB): from \`KindlingContext.create\` until 4 executors registered, median of ${repetitions}; vs \`${baselineMaster}\``,
    async run(opts) {
      const quiet = () => {};
      const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-bench-standalone-'));
      const master = await Master.start({ port: 0, log: quiet });
      const workers = await Promise.all(
        [0, 1].map((i) => Worker.start({ masters: [{ host: '127.0.0.1', port: master.port }], cores: 2, memoryMib: 1024, workDir: path.join(workDir, `w${i}`), conf: new KindlingConf(), log: quiet })),
      );
      const starts: number[] = [];
      const baselines: number[] = [];
      try {
        for (let r = 0; r < repetitions; r++) {
          const { ms, value: kc } = await timed(async () => {
            const kc = await opts.context(master.url, { 'kindling.executor.cores': 1, 'kindling.executor.memory': '256m' });
            while (kc.executorInfos().length < 4) await settle(2);
            return kc;
          });
          await kc.stop();
          starts.push(ms);
          const base = await timed(() => opts.context(baselineMaster));
          const registered = base.value.executorInfos().length;
          await base.value.stop();
          if (registered !== 4) throw new Error(`${baselineMaster}: ${registered} executors registered, expected 4`);
          baselines.push(base.ms);
          opts.log(`  start ${r + 1}: ${fmtMs(ms)} (${baselineMaster}: ${fmtMs(base.ms)})`);
          await settle(100);
        }
      } finally {
        await Promise.all(workers.map((w) => w.stop()));
        await master.stop();
        fs.rmSync(workDir, { recursive: true, force: true });
      }
      const start = median(starts);
      const baseline = median(baselines);
      return {
        result: `${fmtMs(start)} median`,
        baseline: `${fmtMs(baseline)} (${baselineMaster})`,
        ratio: baseline / start,
        target: '<= 400 ms',
        met: start <= 400,
        notes: [`standalone: ${starts.map(fmtMs).join(', ')}; local-cluster: ${baselines.map(fmtMs).join(', ')}`],
      };
    },
  };
}
