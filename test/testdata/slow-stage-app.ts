// Fixture for the console progress bar test: one stage of 8 tasks of ~250 ms each on local[2],
// so the stage runs well past the bar's 500 ms delay.
import { KindlingContext } from '@kindling/core';

const kc = await KindlingContext.create();
try {
  const n = await kc
    .parallelize([1, 2, 3, 4, 5, 6, 7, 8], 8)
    .map((x) => {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
      return x;
    })
    .count();
  console.log(`counted ${n}`);
} finally {
  await kc.stop();
}
