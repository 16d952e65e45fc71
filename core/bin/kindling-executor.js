#!/usr/bin/env node
// Committed shim so npm can link the bin at install time, before dist/ is built.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const target = new URL('../dist/executor/executor-main.js', import.meta.url);
if (!existsSync(target)) {
  process.stderr.write(
    `kindling-executor: ${fileURLToPath(target)} does not exist: @kindling/core is not built. ` +
      'In a clone of the Kindling repository run `npm run build` (tsc -b) first; an installed tarball always contains it.\n',
  );
  process.exit(1);
}
const { runExecutorMain } = await import(target.href);
await runExecutorMain(process.argv.slice(2));
