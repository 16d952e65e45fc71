// The app of the broken-adapter test: prints the error KindlingContext.create gives on local[2].
import { KindlingContext } from '@kindling/core';

try {
  const kc = await KindlingContext.create({ master: 'local[2]' });
  await kc.stop();
  process.stdout.write('STARTED\n');
} catch (e) {
  process.stdout.write(`${e.name}: ${e.message}\n`);
}
