#!/usr/bin/env node
// Committed shim so npm can link the bin at install time, before dist/ is built.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const target = new URL('../dist/bin/kindling-submit.js', import.meta.url);
if (!existsSync(target)) {
  process.stderr.write(
    `kindling-submit: ${fileURLToPath(target)} does not exist: @kindling/deploy is not built. ` +
      'In a clone of the Kindling repository run `npm run build` (tsc -b) first; an installed tarball always contains it.\n',
  );
  process.exit(1);
}
await import(target.href);
