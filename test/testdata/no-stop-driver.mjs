// A local-cluster app that ends without kc.stop(). argv: <kindling.local.dir> <throw|exit|reject|signal>.
// For 'signal' it prints READY and waits to be sent SIGTERM.
import { KindlingContext } from '@kindling/core';

const [localDir, how] = process.argv.slice(2);
const kc = await KindlingContext.create({ master: 'local-cluster[1,1,256]', conf: { 'kindling.local.dir': localDir } });
await kc.parallelize([1, 2, 3], 3).count();
if (how === 'exit') process.exit(3);
if (how === 'reject') {
  void Promise.reject(new Error('unhandled rejection at the top level'));
  setInterval(() => {}, 60_000);
} else if (how === 'signal') {
  process.stdout.write('READY\n');
  setInterval(() => {}, 60_000);
} else {
  throw new Error('top-level throw without kc.stop()');
}
