// Fixture for the secret-handling test: reports how the driver received the secret, then runs a
// job on local-cluster, whose executors must authenticate with it.
import * as fs from 'node:fs';
import { KindlingContext } from '@kindling/core';

const kc = await KindlingContext.create();
try {
  const cmdline = fs.readFileSync('/proc/self/cmdline', 'utf8').split('\0').join(' ');
  console.log(`env-secret=${process.env['KINDLING_AUTH_SECRET'] ?? ''}`);
  console.log(`conf-json-has-secret=${(process.env['KINDLING_CONF'] ?? '').includes('kindling.authenticate.secret')}`);
  console.log(`cmdline-has-secret=${cmdline.includes(process.env['KINDLING_AUTH_SECRET'] ?? '\u0000')}`);
  console.log(`sum=${await kc.parallelize([1, 2, 3, 4], 2).reduce((a, b) => a + b)}`);
} finally {
  await kc.stop();
}
