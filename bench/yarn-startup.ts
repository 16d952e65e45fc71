/**
 * YARN start-up: from KindlingContext.create to the first finished task with 2 executors on a
 * MiniYARNCluster, split into submit (new-application, packing, staging, POST), AM start
 * (submitted → AM registered with the RM and connected back) and container start (→ both
 * executors registered), then the first task. Baseline: the same on local-cluster[2,1,256].
 * Needs java and mvn (the MiniYARNCluster launcher); skipped otherwise.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KindlingContext } from '@kindling/core';
import { SkipBenchmark, median, timed, type Benchmark } from './harness.js';
import { fmtMs } from './table.js';
// The real-YARN test helper (compiled into the adapter's dist; not part of its published package).
import { miniYarnConf, miniYarnUnavailable, startMiniYarn } from '../cluster-managers/yarn/dist/testing/mini-yarn-cluster.test-helper.js';

interface Phases {
  submit: number;
  amStart: number;
  containers: number;
  firstTask: number;
  total: number;
}

/** The launcher prints its milestones to stderr; timestamp them. */
async function yarnRun(conf: Record<string, string>): Promise<Phases> {
  const marks: Record<string, number> = {};
  const original = console.error;
  console.error = (...args: unknown[]) => {
    const line = args.map(String).join(' ');
    if (/^Submitted application_/.test(line)) marks['submitted'] ??= performance.now();
    if (/ApplicationMaster .* registered/.test(line)) marks['am'] ??= performance.now();
  };
  const t0 = performance.now();
  let kc: KindlingContext | undefined;
  try {
    kc = await KindlingContext.create({ master: 'yarn', appName: 'bench-yarn-startup', conf });
    const registered = performance.now();
    await kc.parallelize([1, 2], 2).count();
    const first = performance.now();
    if (!marks['submitted'] || !marks['am']) throw new Error('the launcher did not log its milestones');
    return {
      submit: marks['submitted'] - t0,
      amStart: marks['am'] - marks['submitted'],
      containers: registered - marks['am'],
      firstTask: first - registered,
      total: first - t0,
    };
  } finally {
    console.error = original;
    await kc?.stop();
  }
}

export function yarnStartup(o: { repetitions?: number } = {}): Benchmark {
  const repetitions = o.repetitions ?? 3;
  return {
    name: 'yarn-startup',
    master: 'yarn',
    what: () => `MiniYARNCluster (1 RM + 1 NM): create → first task with 2 executors, split into submit / AM start / container start, median of ${repetitions}; vs local-cluster[2,1,256]`,
    async run(opts) {
      const why = miniYarnUnavailable();
      if (why) throw new SkipBenchmark(why);
      const app = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-bench-yarn-'));
      fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'bench-yarn-app', type: 'module' }));
      fs.writeFileSync(path.join(app, 'app.js'), '// entry\n');
      const cluster = await startMiniYarn();
      try {
        const conf = {
          ...miniYarnConf(cluster.confDir),
          'kindling.app.root': app,
          'kindling.app.entry': path.join(app, 'app.js'),
          'kindling.app.package.cacheDir': path.join(app, '.cache'),
          'kindling.yarn.stagingDir': path.join(app, 'staging'),
        };
        await yarnRun(conf); // warm-up: fills the package cache, as a user's second submit would
        const runs: Phases[] = [];
        const locals: number[] = [];
        for (let r = 0; r < repetitions; r++) {
          runs.push(await yarnRun(conf));
          const p = runs[runs.length - 1]!;
          opts.log(`  yarn ${r + 1}: submit ${fmtMs(p.submit)}, AM start ${fmtMs(p.amStart)}, containers ${fmtMs(p.containers)}, first task ${fmtMs(p.firstTask)}`);
          const { ms, value: kc } = await timed(async () => {
            const local = await KindlingContext.create({ master: 'local-cluster[2,1,256]', appName: 'bench-yarn-baseline' });
            await local.parallelize([1, 2], 2).count();
            return local;
          });
          await kc.stop();
          locals.push(ms);
        }
        const m = (k: keyof Phases) => median(runs.map((p) => p[k]));
        const total = m('total');
        const local = median(locals);
        return {
          result: `${fmtMs(total)} median (submit ${fmtMs(m('submit'))}, AM start ${fmtMs(m('amStart'))}, container start ${fmtMs(m('containers'))}, first task ${fmtMs(m('firstTask'))})`,
          baseline: `${fmtMs(local)} (local-cluster[2,1,256])`,
          ratio: local / total,
          target: 'ms',
          met: undefined,
        };
      } finally {
        await cluster.stop();
        fs.rmSync(app, { recursive: true, force: true });
      }
    },
  };
}
