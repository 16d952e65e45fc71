import { KindlingContext } from '@kindling/core';
const kc = await KindlingContext.create({ master: 'local[2]' });
const r = await kc.parallelize([1, 2, 3, 4], 2).map((x: number, env) => { const sq = (y: number) => y * (env.k as number); return sq(x); }, { k: 3 }).collect();
console.log(r);
function namedFn(a: number, b: number) { return a + b; }
console.log(await kc.parallelize([1, 2, 3, 4], 2).reduce(namedFn));
await kc.stop();
