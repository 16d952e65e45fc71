/**
 * Packing the word-count example as kindling-submit ships it (kindling.app.root = examples/, the
 * repository's package.json, lockfile and production node_modules): a cold pack into an empty
 * cache against a cached one (the fingerprint of sizes and mtimes matches, nothing is read or
 * compressed), and the archive's size.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packApplication } from '@kindling/core/cluster-manager';
import { BENCH_DIR, median, timed, type Benchmark } from './harness.js';
import { fmtMs } from './table.js';

export const WORDCOUNT_APP = { appRoot: path.join(BENCH_DIR, '..', 'examples'), entry: 'wordcount.ts' };

export function packagingBench(o: { name?: string; master: string; repetitions?: number }): Benchmark {
  const repetitions = o.repetitions ?? 3;
  return {
    name: o.name ?? 'packaging',
    master: o.master,
    what: () => `\`packApplication\` of examples/wordcount.ts (with node_modules): cold into an empty cache, median of ${repetitions}; vs an unchanged app (cached by fingerprint)`,
    async run(opts) {
      const colds: number[] = [];
      const cacheds: number[] = [];
      let size = 0;
      let files = 0;
      const hashes = new Set<string>();
      for (let r = 0; r < (opts.quick ? 1 : repetitions); r++) {
        const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-bench-pack-'));
        try {
          const cold = await timed(() => packApplication({ ...WORDCOUNT_APP, cacheDir }));
          if (cold.value.fromCache) throw new Error('a pack into an empty cache came from the cache');
          const cached = await timed(() => packApplication({ ...WORDCOUNT_APP, cacheDir }));
          if (!cached.value.fromCache || cached.value.hash !== cold.value.hash) throw new Error('the unchanged app was packed again');
          colds.push(cold.ms);
          cacheds.push(cached.ms);
          size = cold.value.sizeBytes;
          files = cold.value.fileCount;
          hashes.add(cold.value.hash);
          opts.log(`  pack ${r + 1}: cold ${fmtMs(cold.ms)}, cached ${fmtMs(cached.ms)}, ${(size / 1e6).toFixed(1)} MB`);
        } finally {
          fs.rmSync(cacheDir, { recursive: true, force: true });
        }
      }
      if (hashes.size !== 1) throw new Error(`packing the same files gave ${hashes.size} different hashes`);
      const cold = median(colds);
      const cached = median(cacheds);
      return {
        result: `cold ${fmtMs(cold)}; archive ${(size / 1024 / 1024).toFixed(1)} MiB, ${files} files`,
        baseline: `cached ${fmtMs(cached)}`,
        ratio: cold / cached,
        target: 'cached < cold',
        met: cached < cold,
        notes: [`cold: ${colds.map(fmtMs).join(', ')}; cached: ${cacheds.map(fmtMs).join(', ')}; the same hash every time: ${[...hashes][0]!.slice(0, 16)}…`],
      };
    },
  };
}
