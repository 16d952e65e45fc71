// Fixture for kindling-submit tests: `driver` throws in the app itself, `task` in a task.
import { KindlingContext } from '@kindling/core';

const where = process.argv[2] ?? 'driver';
if (where === 'driver') throw new Error('fixture app failed on purpose in the driver');

const kc = await KindlingContext.create();
await kc
  .parallelize([1, 2, 3], 3)
  .map((x) => {
    if (x === 2) throw new Error('fixture app failed on purpose in a task');
    return x;
  })
  .collect();
