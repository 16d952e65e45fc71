/**
 * An application outside the Kindling repository (the outside-app test copies it to a temp
 * directory with its own package.json and node_modules): it uses its own local module, its own
 * acorn 6 (Kindling's capture check uses acorn 8) and another npm package, and writes what its
 * tasks saw as JSON to the file named by its first argument.
 */
import * as fs from 'node:fs';
import { KindlingContext, useModule } from '@kindling/core';

type Helper = typeof import('./lib/helper.ts');
const mod = <M>(specifier: string) => useModule(specifier) as unknown as M;

const [out] = process.argv.slice(2);
const kc = await KindlingContext.create({ appName: 'outside-app' });
try {
  const rows = await kc
    .parallelize(['alpha', 'beta', 'gamma', 'delta'], 4)
    .map(
      // Optional chaining and ?? need acorn >= 7.3: the driver's capture check must keep Kindling's acorn 8.
      (w, env) => ({
        word: env.helper.shout(w),
        loadedFrom: env.helper.loadedFrom,
        acorn: env.acorn?.version ?? 'none',
        twoHoursMs: env.ms.default('2h'),
      }),
      { helper: mod<Helper>('./lib/helper.ts'), acorn: mod<{ version: string }>('acorn'), ms: mod<{ default: (s: string) => number }>('ms') },
    )
    .collect();
  let captureCheck = 'no error';
  const outsider = 7;
  try {
    await kc.parallelize([1]).map((x) => x + outsider).collect();
  } catch (e) {
    captureCheck = (e as Error).name;
  }
  fs.writeFileSync(out!, JSON.stringify({ master: kc.master, executors: kc.executorInfos().length, rows, captureCheck }));
} finally {
  await kc.stop();
}
