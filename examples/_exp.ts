import { KindlingContext, useModule } from '@kindling/core';
const kc = await KindlingContext.create({ master: 'local[2]' });
const r = await kc.parallelize(['Hello World', 'héllo wörld x'], 2).flatMap((l: string, env) => env.text.tokenize(l), { text: useModule('./lib/text.ts') as any }).collect();
console.log(r, kc.conf.get('kindling.app.root'));
await kc.stop();
