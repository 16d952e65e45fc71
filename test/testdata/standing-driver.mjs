// A driver that runs one job on local-cluster and then stands by, so a test can freeze or kill it.
// argv: <kindling.local.dir> <kindling.network.timeout>. Prints READY once its executors ran a job.
import { KindlingContext } from '@kindling/core';

const [localDir, timeout] = process.argv.slice(2);
const kc = await KindlingContext.create({
  master: 'local-cluster[2,1,256]',
  conf: { 'kindling.local.dir': localDir, 'kindling.network.timeout': timeout, 'kindling.executor.heartbeatInterval': '200ms' },
});
const n = await kc.parallelize([1, 2, 3, 4], 2).count();
process.stdout.write(`READY ${n}\n`);
setInterval(() => {}, 60_000);
