// A driver the test kills with kill -9 once it has executors (standalone-cluster.test.ts).
import { KindlingContext } from '@kindling/core';

const kc = await KindlingContext.create({
  master: process.argv[2],
  appName: 'doomed',
  conf: { 'kindling.executor.cores': '1', 'kindling.executor.memory': '256m' },
});
while (kc.executorInfos().length < 2) await new Promise((r) => setTimeout(r, 20));
console.log('READY');
setInterval(() => {}, 1000);
