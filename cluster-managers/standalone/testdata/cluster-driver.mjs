// A cluster-mode driver (standalone-cluster-mode.test.ts): word count, the result written atomically to argv[2].
//   argv[3]: 'once-fails' exits 3 on its first run (a marker file next to the output remembers it); 'wait' runs until killed.
import * as fs from 'node:fs';
import { KindlingContext } from '@kindling/core';

const [out, mode] = process.argv.slice(2);
console.log(`driver starting in ${process.cwd()} (mode ${mode ?? 'normal'})`);
if (mode === 'once-fails' && !fs.existsSync(`${out}.failed-once`)) {
  fs.writeFileSync(`${out}.failed-once`, String(Date.now()));
  console.error('failing on purpose, the first time');
  process.exit(3);
}
if (mode === 'wait') {
  fs.writeFileSync(`${out}.started`, String(process.pid));
  setInterval(() => {}, 1000);
} else {
  const kc = await KindlingContext.create();
  const counts = await kc
    .parallelize(['to be or not to be', 'that is the question', 'to be is to do'], 3)
    .flatMap((l) => l.split(' '))
    .map((w) => [w, 1])
    .reduceByKey((a, b) => a + b, 2)
    .collect();
  await kc.stop();
  fs.writeFileSync(`${out}.tmp`, JSON.stringify(Object.fromEntries(counts.sort())));
  fs.renameSync(`${out}.tmp`, out);
  console.log('driver done');
}
