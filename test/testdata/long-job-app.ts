// Fixture for the kill -9 test: starts executors, reports the driver's pid, then runs a job whose
// tasks sleep (without burning CPU) far longer than the test waits.
import { KindlingContext } from '@kindling/core';

const kc = await KindlingContext.create();
await kc.parallelize([1, 2], 2).count();
console.log(`ready driver-pid=${process.pid}`);
await kc
  .parallelize([1, 2], 2)
  .map((x) => {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 600_000);
    return x;
  })
  .collect();
await kc.stop();
