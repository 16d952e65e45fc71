// Fixture for kindling-submit tests: shows what the driver received from the command line.
import { KindlingContext } from '@kindling/core';

const kc = await KindlingContext.create();
try {
  console.log(`kindling.foo=${kc.conf.get('kindling.foo')}`);
  console.log(`master=${kc.master}`);
  console.log(`name=${kc.appName}`);
  console.log(`app.root=${kc.conf.get('kindling.app.root')}`);
  console.log(`args=${JSON.stringify(process.argv.slice(2))}`);
  // An inner named function: tsx (esbuild keepNames) wraps it in __name(), which must still ship.
  const doubled = kc.parallelize([1, 2, 3, 4], 2).map((x) => {
    const double = (y: number) => y * 2;
    return double(x);
  });
  console.log(`sum=${await doubled.reduce((a, b) => a + b)}`);
} finally {
  await kc.stop();
}
