import { expect } from 'chai';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClosureCaptureError, KindlingError, ModuleRef, SerializationError, useModule } from '@kindling/core';
import { useContext } from './helpers/context.js';
import { randomInts } from './helpers/data.js';
import { record, recordFailure } from './helpers/listener-recorder.js';
import { tokenize, weight } from './fixtures/text-utils.js';
import type * as TextUtils from './fixtures/text-utils.js';
import { typedModule } from './helpers/modules.js';

const FIXTURES = path.dirname(fileURLToPath(new URL('./fixtures/text-utils.js', import.meta.url)));

const LINES = [
  'The quick brown fox',
  'jumps over the lazy dog',
  '',
  'A tale of two cities, and of the sea',
  'Numbers 42 and 7 count as words too',
];

describe('closure shipping', function () {
  const fx = useContext({ master: 'local[2]', conf: { 'kindling.app.root': FIXTURES } });

  it('capturing an outer const fails the action with ClosureCaptureError before any task runs', async function () {
    const factor = 3;
    const data = randomInts(1, 20);
    const mapped = fx.kc.parallelize(data, 2).map((x) => x * factor); // defining it does not throw
    const { error, rec } = await recordFailure(fx.kc, () => mapped.collect(), 50);
    expect(error).to.be.instanceOf(ClosureCaptureError);
    expect(KindlingError.isKind(error, 'ClosureCaptureError')).to.equal(true);
    expect(error.message).to.include('factor');
    expect(error.message).to.include('map()');
    expect(error.message).to.include('closure-shipping.test.js');
    expect((error as ClosureCaptureError).captures).to.deep.equal([{ name: 'factor', kind: 'outer-variable' }]);
    expect(rec.jobsStarted).to.have.length(0);
    expect(rec.tasksStarted).to.have.length(0);
    expect(rec.tasksEnded).to.have.length(0);
    // Every later RDD in the lineage fails the same way.
    const downstream = await recordFailure(fx.kc, () => mapped.filter((x) => x > 0).count(), 50);
    expect(downstream.error).to.be.instanceOf(ClosureCaptureError);
    expect(downstream.rec.tasksStarted).to.have.length(0);
  });

  it('capture errors in action functions and aggregators also fail before any task', async function () {
    const limit = 5;
    const rdd = fx.kc.parallelize([1, 2, 3], 1);
    for (const action of [
      () => rdd.reduce((a, b) => Math.min(a + b, limit)),
      () => rdd.foreach((x) => void (x > limit)),
      () => rdd.keyBy((x) => x).reduceByKey((a, b) => a + b + limit).collect(),
      () => rdd.takeOrdered(2, (a, b) => (a - b) * limit),
    ] as Array<() => Promise<unknown>>) {
      const { error, rec } = await recordFailure(fx.kc, action, 20);
      expect(error).to.be.instanceOf(ClosureCaptureError);
      expect(error.message).to.include('limit');
      expect(rec.tasksStarted).to.have.length(0);
    }
  });

  it('other captures are named: mutated variables, this, imported bindings', async function () {
    let counter = 0;
    const mutating = await recordFailure(fx.kc, () =>
      fx.kc
        .parallelize([1, 2], 1)
        .map((x) => {
          counter += x;
          return x;
        })
        .collect(),
    );
    expect((mutating.error as ClosureCaptureError).captures).to.deep.equal([{ name: 'counter', kind: 'mutated-outer-variable' }]);
    expect(mutating.error.message).to.include('accumulator');
    expect(counter).to.equal(0);

    const holder = {
      scale: 2,
      run(kc: typeof fx.kc) {
        return kc.parallelize([1, 2], 1).map(function (this: { scale: number }, x: number) {
          return x * this.scale;
        });
      },
    };
    const usesThis = await recordFailure(fx.kc, () => holder.run(fx.kc).collect());
    expect((usesThis.error as ClosureCaptureError).captures.map((c) => c.kind)).to.include('this');

    const imported = await recordFailure(fx.kc, () => fx.kc.parallelize(LINES, 2).flatMap((l) => tokenize(l)).collect());
    expect((imported.error as ClosureCaptureError).captures).to.deep.equal([{ name: 'tokenize', kind: 'imported-binding' }]);
    expect(imported.error.message).to.include("useModule('./fixtures/text-utils.js')");
  });

  it('passing the value through env works, as env.<name> or as a bound identifier', async function () {
    const factor = 3;
    const data = randomInts(2, 50);
    const viaEnv = await fx.kc.parallelize(data, 3).map((x, env) => x * env.factor, { factor }).collect();
    expect(viaEnv).to.deep.equal(data.map((x) => x * factor));
    const bound = await fx.kc.parallelize(data, 3).map((x) => x * factor, { factor }).collect();
    expect(bound).to.deep.equal(data.map((x) => x * factor));
    // Nested data arrives intact.
    const weights = { list: [1, 2, 3], nested: { k: 'v' } };
    const rdd = fx.kc.parallelize([0, 1, 2], 1).map((i, env) => [env.weights.list[i], env.weights.nested.k], { weights });
    expect(await rdd.collect()).to.deep.equal([
      [1, 'v'],
      [2, 'v'],
      [3, 'v'],
    ]);
  });

  it('a non-cloneable env value is rejected with SerializationError', async function () {
    const { error, rec } = await recordFailure(fx.kc, () =>
      fx.kc.parallelize([1], 1).map((x, env) => x, { f: () => 1 } as Record<string, unknown>).collect(),
    );
    expect(error).to.be.instanceOf(SerializationError);
    expect(error.message).to.include('env.f');
    expect(rec.tasksStarted).to.have.length(0);
  });

  it("useModule('./fixture.js') lets functions call a module's exports on executors", async function () {
    const text = typedModule<typeof TextUtils>('./text-utils.js');
    const words = fx.kc.parallelize(LINES, 3).flatMap((line, env) => env.text.tokenize(line), { text });
    expect(await words.collect()).to.deep.equal(LINES.flatMap(tokenize));
    const weights = await words
      .map((w, env) => [w, env.text.weight(w)] as [string, number], { text })
      .reduceByKey((a, b) => a + b, 2)
      .collect();
    const expected = new Map<string, number>();
    for (const w of LINES.flatMap(tokenize)) expected.set(w, (expected.get(w) ?? 0) + weight(w));
    expect(new Map(weights.sort())).to.deep.equal(new Map([...expected].sort()));
    // Module data exports are usable too, also in an action's function.
    const stop = await words.filter((w, env) => env.text.STOP_WORDS.includes(w), { text }).countByValue();
    const expectedStop = new Map<string, number>();
    for (const w of LINES.flatMap(tokenize).filter((x) => ['the', 'a', 'of', 'and'].includes(x))) {
      expectedStop.set(w, (expectedStop.get(w) ?? 0) + 1);
    }
    expect(new Map([...stop].sort())).to.deep.equal(new Map([...expectedStop].sort()));
    expect(await words.reduce((a, b, env) => (env.text.weight(a) >= env.text.weight(b) ? a : b), { text })).to.be.a('string');
  });

  it('actions that merge on the driver (reduce, fold, aggregate, takeOrdered, top) see modules too', async function () {
    const text = typedModule<typeof TextUtils>('./text-utils.js');
    const words = LINES.flatMap(tokenize);
    const rdd = fx.kc.parallelize(words, 3);
    const heaviest = words.reduce((a, b) => (weight(a) >= weight(b) ? a : b));
    expect(await rdd.reduce((a, b, env) => (env.text.weight(a) >= env.text.weight(b) ? a : b), { text })).to.equal(heaviest);
    // The module bound as a plain identifier from env, as executors bind it.
    expect(await rdd.reduce((a, b) => (text.weight(a) >= text.weight(b) ? a : b), { text })).to.equal(heaviest);
    const total = words.reduce((acc, w) => acc + weight(w), 0);
    expect(await rdd.map((w, env) => env.text.weight(w), { text }).fold(0, (a, b, env) => a + b + env.text.STOP_WORDS.length * 0, { text })).to.equal(total);
    expect(
      await rdd.aggregate(
        0,
        (acc, w, env) => acc + env.text.weight(w),
        (a, b, env) => a + b + 0 * env.text.weight('x'),
        { text },
      ),
    ).to.equal(total);
    const byWeight = (a: string, b: string) => weight(a) - weight(b) || (a < b ? -1 : a > b ? 1 : 0);
    expect(await rdd.takeOrdered(4, (a, b, env) => env.text.weight(a) - env.text.weight(b) || (a < b ? -1 : a > b ? 1 : 0), { text })).to.deep.equal(
      [...words].sort(byWeight).slice(0, 4),
    );
    expect(await rdd.top(3, (a, b, env) => env.text.weight(a) - env.text.weight(b) || (a < b ? -1 : a > b ? 1 : 0), { text })).to.deep.equal(
      [...words].sort((a, b) => byWeight(b, a)).slice(0, 3),
    );
  });

  it('useModule() returns a ModuleRef naming the specifier and rejects empty ones', function () {
    const ref = useModule('./text-utils.js');
    expect(ref).to.be.instanceOf(ModuleRef);
    expect(ref.specifier).to.equal('./text-utils.js');
    expect(String(ref)).to.equal("useModule('./text-utils.js')");
    expect(() => useModule('  ')).to.throw(KindlingError);
  });

  it('a module that is not installed fails the job with a clear message', async function () {
    const { error } = await recordFailure(fx.kc, () =>
      fx.kc.parallelize([1], 1).map((x, env) => env.m.f(x), { m: typedModule<{ f(x: number): number }>('./no-such-module.js') }).collect(),
    );
    expect(error.message).to.include('no-such-module.js');
  });

  it('a broadcast in env works inside nested helper functions', async function () {
    const dict = fx.kc.broadcast(new Map(LINES.flatMap(tokenize).map((w, i) => [w, i])));
    const got = await fx.kc
      .parallelize(LINES, 2)
      .flatMap(
        (line, env) => {
          const lookup = (w: string) => env.dict.value.get(w) ?? -1;
          return env.text.tokenize(line).map((w: string) => [w, lookup(w)]);
        },
        { dict, text: typedModule<typeof TextUtils>('./text-utils.js') },
      )
      .collect();
    const m = new Map(LINES.flatMap(tokenize).map((w, i) => [w, i]));
    expect(got).to.deep.equal(LINES.flatMap(tokenize).map((w) => [w, m.get(w)]));
  });

  it('successful shipped jobs start tasks; globals like Math and JSON are allowed', async function () {
    const data = randomInts(3, 30);
    const { result, rec } = await record(fx.kc, () =>
      fx.kc
        .parallelize(data, 2)
        .map((x) => JSON.stringify({ r: Math.abs(x) }))
        .collect(),
    );
    expect(result).to.deep.equal(data.map((x) => JSON.stringify({ r: Math.abs(x) })));
    expect(rec.tasksStarted).to.have.length(2);
  });
});
