// Fixture for the precedence test: sets values in code, which win over kindling-submit's.
import { KindlingContext } from '@kindling/core';

const kc = await KindlingContext.create({ conf: { 'kindling.master': 'local[1]', 'kindling.app.name': 'from-code', 'kindling.x': 'code' } });
try {
  console.log(`master=${kc.master}`);
  console.log(`name=${kc.appName}`);
  console.log(`x=${kc.conf.get('kindling.x')}`);
  console.log(`y=${kc.conf.get('kindling.y')}`);
  console.log(`executor.memory=${kc.conf.get('kindling.executor.memory')}`);
} finally {
  await kc.stop();
}
