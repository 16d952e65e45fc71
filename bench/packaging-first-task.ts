/**
 * Submit to first task on local-cluster: from KindlingContext.create (the word-count app's
 * package, as kindling-submit runs it) until the first task of a job starts, with a cold package
 * (packed, fetched by executors and unpacked) against a cached one (not packed or fetched again).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KindlingContext } from '@kindling/core';
import { median, now, settle, type Benchmark } from './harness.js';
import { WORDCOUNT_APP } from './packaging.js';
import { fmtMs } from './table.js';

async function submitToFirstTask(master: string, cacheDir: string, packageDir: string): Promise<number> {
  const started = now();
  const kc = await KindlingContext.create({
    master,
    appName: 'kindling-bench-packaging',
    conf: {
      'kindling.app.root': WORDCOUNT_APP.appRoot,
      'kindling.app.entry': path.join(WORDCOUNT_APP.appRoot, WORDCOUNT_APP.entry),
      'kindling.app.package.cacheDir': cacheDir,
      'kindling.executor.packageDir': packageDir,
    },
  });
  try {
    let first: number | undefined;
    kc.addListener({ onTaskStart: () => (first ??= now()) });
    await kc.parallelize([1, 2], 2).count();
    return first! - started;
  } finally {
    await kc.stop();
  }
}

export function packagingFirstTask(o: { name?: string; master: string; repetitions?: number }): Benchmark {
  const repetitions = o.repetitions ?? 3;
  return {
    name: o.name ?? 'submit-to-first-task',
    master: o.master,
    what: ({ master }) => `\`${master}\` running examples/wordcount.ts's package: create() to first task start, cold package (pack + fetch + unpack), median of ${repetitions}; vs cached package`,
    async run(opts) {
      const colds: number[] = [];
      const cacheds: number[] = [];
      for (let r = 0; r < (opts.quick ? 1 : repetitions); r++) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-bench-first-task-'));
        try {
          const cacheDir = path.join(dir, 'cache');
          const packageDir = path.join(dir, 'packages');
          colds.push(await submitToFirstTask(opts.master, cacheDir, packageDir));
          await settle(200);
          cacheds.push(await submitToFirstTask(opts.master, cacheDir, packageDir));
          opts.log(`  first task ${r + 1}: cold ${fmtMs(colds.at(-1)!)}, cached ${fmtMs(cacheds.at(-1)!)}`);
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }
      const cold = median(colds);
      const cached = median(cacheds);
      return {
        result: `cold package ${fmtMs(cold)}`,
        baseline: `cached package ${fmtMs(cached)}`,
        ratio: cold / cached,
        target: 'cached < cold',
        met: cached < cold,
        notes: [`cold: ${colds.map(fmtMs).join(', ')}; cached: ${cacheds.map(fmtMs).join(', ')}`],
      };
    },
  };
}
