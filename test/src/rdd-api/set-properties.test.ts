import { expect } from 'chai';
import fc from 'fast-check';
import { useContext } from '../helpers/context.js';

const values = fc.array(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom('a', 'b', 'c'), fc.tuple(fc.nat(2), fc.constantFrom('x', 'y'))), {
  maxLength: 25,
});
const key = (x: unknown) => JSON.stringify(x);
const canon = (xs: unknown[]) => xs.map(key).sort();

/** Set operations against the same computation in one process, over random data and partitionings. */
describe('set operations (property-based, local[2])', function () {
  this.timeout(120000);
  const fx = useContext({ master: 'local[2]' });
  const params = { numRuns: 25, seed: 1203 };

  it('intersection, subtract, distinct, union and cartesian agree with in-memory sets', async function () {
    await fc.assert(
      fc.asyncProperty(values, values, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), async (xs, ys, pa, pb) => {
        const a = fx.kc.parallelize(xs, pa);
        const b = fx.kc.parallelize(ys, pb);
        const inB = new Set(ys.map(key));
        const distinctA = [...new Map(xs.map((x) => [key(x), x])).values()];
        expect(canon(await a.intersection(b).collect())).to.deep.equal(canon(distinctA.filter((x) => inB.has(key(x)))));
        expect(canon(await a.subtract(b).collect())).to.deep.equal(canon(xs.filter((x) => !inB.has(key(x)))));
        expect(canon(await a.distinct().collect())).to.deep.equal(canon(distinctA));
        expect(canon(await fx.kc.union([a, b, a]).collect())).to.deep.equal(canon([...xs, ...ys, ...xs]));
        expect(await a.cartesian(b).count()).to.equal(xs.length * ys.length);
        const zipped = await a.zipWithIndex().collect();
        expect(zipped).to.deep.equal(xs.map((x, i) => [x, i]));
      }),
      params,
    );
  });
});
