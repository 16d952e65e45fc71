import { expect } from 'chai';
import { basename } from 'node:path';
import * as nodeOs from 'node:os';
import { ClosureCaptureError, IllegalArgumentError, SerializationError } from '../errors.js';
import { userCallSite } from './call-site.js';
import { captureFunction } from './function-spec.js';
import { useModule } from './module-ref.js';
import { TRANSPORT } from './transport-marker.js';

const factor = 3;
let counter = 0;

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

function captureError(fn: () => unknown): ClosureCaptureError {
  const e = thrown(fn);
  expect(e).to.be.instanceOf(ClosureCaptureError);
  return e as ClosureCaptureError;
}

describe('closure/captureFunction', () => {
  describe('capture check', () => {
    it('rejects an outer const and says how to pass it', () => {
      const e = captureError(() => captureFunction((x: number) => x * factor, undefined, 'map'));
      expect(e.captures).to.deep.equal([{ name: 'factor', kind: 'outer-variable' }]);
      expect(e.message).to.equal(
        'The function passed to map() cannot be shipped to executors:\n' +
          '  - factor is a variable from an enclosing scope; pass it in the environment: rdd.map((x, env) => ... env.factor ..., { factor })',
      );
    });

    it('names the call site in the first line', () => {
      const site = userCallSite();
      const e = captureError(() => captureFunction((x: number) => x * factor, undefined, 'filter', site));
      expect(e.message.split('\n')[0]).to.match(
        /^The function passed to filter\(\) at \S*function-spec\.test\.[jt]s:\d+ cannot be shipped to executors:$/,
      );
    });

    it('rejects a mutated outer let', () => {
      const e = captureError(() => captureFunction((x: number) => { counter += x; }, undefined, 'foreach'));
      expect(e.captures).to.deep.equal([{ name: 'counter', kind: 'mutated-outer-variable' }]);
      expect(e.message).to.include(
        'counter is assigned by the function; executors cannot send assignments back; use an accumulator (kc.accumulator) or return the value from the job',
      );
    });

    it('recognises imported bindings from the call-site module', () => {
      const site = userCallSite();
      const e = captureError(() => captureFunction((s: string) => basename(s) + nodeOs.EOL, undefined, 'map', site));
      expect(e.captures).to.deep.equal([
        { name: 'basename', kind: 'imported-binding' },
        { name: 'nodeOs', kind: 'imported-binding' },
      ]);
      expect(e.message).to.include(
        "basename is imported from 'node:path'; pass the module in the environment with { path: useModule('node:path') } and call env.path.basename(...); or pass the value itself if it is data",
      );
      expect(e.message).to.include("nodeOs is imported from 'node:os'; pass the module in the environment with { nodeOs: useModule('node:os') }");
    });

    it('without a call site, an import is reported as an outer variable', () => {
      const e = captureError(() => captureFunction((s: string) => basename(s), undefined, 'map'));
      expect(e.captures).to.deep.equal([{ name: 'basename', kind: 'outer-variable' }]);
    });

    it('rejects `this` in a function expression', () => {
      const e = captureError(() =>
        captureFunction(function (this: { y: number }, x: number) { return x + this.y; }, undefined, 'map'),
      );
      expect(e.captures).to.deep.equal([{ name: 'this', kind: 'this' }]);
      expect(e.message).to.include('this: the function uses `this`, which does not exist on executors; use an arrow function and pass what you need in env');
    });

    it('rejects bound and native functions', () => {
      const bound = captureError(() => captureFunction(function f(x: number) { return x; }.bind(null), undefined, 'map'));
      expect(bound.captures).to.deep.equal([{ name: 'bound f', kind: 'native-function' }]);
      const native = captureError(() => captureFunction(Math.max, undefined, 'reduce'));
      expect(native.captures).to.deep.equal([{ name: 'max', kind: 'native-function' }]);
      expect(native.message).to.include(
        'max is a bound or native function, so its source is not available; wrap it in an arrow function, e.g. (x) => Math.sqrt(x)',
      );
    });

    it('rejects a class', () => {
      class Tokenizer { run(x: string) { return x.split(' '); } }
      const e = captureError(() => captureFunction(Tokenizer, undefined, 'map'));
      expect(e.captures).to.deep.equal([{ name: 'Tokenizer', kind: 'class' }]);
      expect(e.message).to.include('Tokenizer is a class constructor; pass a function, and pass class instances as plain data');
    });

    it('collects every problem into one error', () => {
      const limit = 10;
      const e = captureError(() =>
        captureFunction(function (this: unknown, x: number) { counter++; return x * factor + limit + (this ? 1 : 0); }, undefined, 'map'),
      );
      expect(e.captures).to.deep.equal([
        { name: 'counter', kind: 'mutated-outer-variable' },
        { name: 'factor', kind: 'outer-variable' },
        { name: 'limit', kind: 'outer-variable' },
        { name: 'this', kind: 'this' },
      ]);
      expect(e.message.split('\n')).to.have.length(5);
    });

    it('rejects outer variables used in default parameters', () => {
      const e = captureError(() => captureFunction((x: number, y = factor) => x + y, undefined, 'map'));
      expect(e.captures).to.deep.equal([{ name: 'factor', kind: 'outer-variable' }]);
    });

    it('accepts env keys, globals, parameters, locals and destructuring', () => {
      const fns: Function[] = [
        (x: number, env: { min: number }) => x > env.min,
        (x: number) => x > min,
        (x: string) => Math.max(JSON.parse(x), Number.MAX_SAFE_INTEGER, new Map().size, Buffer.byteLength(x)),
        ({ a, b: [c] }: { a: number; b: number[] }, { min: m }: { min: number }) => {
          const inner = (q: number) => { let r = q * 2; return r + m; };
          function nested(z: number) { return z + c; }
          return inner(a) + nested(c);
        },
        async (x: number) => { await Promise.resolve(); return x; },
        function* (xs: number[]) { yield* xs; },
      ];
      for (const fn of fns) expect(() => captureFunction(fn, { min: 1 }, 'map'), fn.toString()).not.to.throw();
    });

    it('lists env keys used as plain identifiers as bindings', () => {
      const spec = captureFunction((x: number) => x > min, { min: 1, unused: 2 }, 'filter');
      expect(spec.bindings).to.deep.equal(['min']);
      expect(captureFunction((x: number) => x, { min: 1 }, 'map').bindings).to.equal(undefined);
    });

    it('checks its arguments', () => {
      expect(thrown(() => captureFunction(42 as never, undefined, 'map'))).to.be.instanceOf(IllegalArgumentError);
      const e = thrown(() => captureFunction((x: number) => x, [1, 2] as never, 'map'));
      expect(e).to.be.instanceOf(IllegalArgumentError);
      expect(e.message).to.equal('The environment of map() must be a plain object such as { min, weights }, got an array.');
    });
  });

  describe('environment check', () => {
    const ok = (x: number) => x;

    it('reports the path of a function inside an array', () => {
      const e = thrown(() => captureFunction(ok, { weights: [1, 2, 3, () => 4] }, 'map'));
      expect(e).to.be.instanceOf(SerializationError);
      expect(e.message).to.equal(
        'The environment of map() cannot be shipped: env.weights[3] is a function, which cannot be cloned. Pass plain data, or use useModule(...) for code.',
      );
    });

    it('rejects class instances, which would lose their prototype', () => {
      class Model { w = [1, 2]; }
      const e = thrown(() => captureFunction(ok, { model: new Model() }, 'map'));
      expect(e).to.be.instanceOf(SerializationError);
      expect(e.message).to.equal(
        'The environment of map() cannot be shipped: env.model is an instance of class Model, which arrives on executors as a plain object. Pass plain data, or rebuild it in the function.',
      );
    });

    it('reports paths inside maps, sets and odd keys', () => {
      expect(thrown(() => captureFunction(ok, { m: new Map([['k', Symbol('s')]]) }, 'map')).message).to.include(
        'env.m.get("k") is a symbol, which cannot be cloned.',
      );
      expect(thrown(() => captureFunction(ok, { s: new Set([1, new WeakMap()]) }, 'map')).message).to.include(
        '[...env.s][1] is a WeakMap, which cannot be cloned.',
      );
      expect(thrown(() => captureFunction(ok, { 'a b': { c: () => 1 } }, 'map')).message).to.include('env["a b"].c is a function');
    });

    it('accepts structured-cloneable data, including cycles', () => {
      const cyclic: Record<string, unknown> = { n: 1 };
      cyclic.self = cyclic;
      const env = {
        date: new Date(0), re: /x/g, big: 10n, f64: new Float64Array(3), buf: Buffer.from('a'),
        map: new Map([[1, { a: [1] }]]), set: new Set(['x']), err: new RangeError('r'),
        bare: Object.create(null) as object, cyclic, nothing: undefined, nil: null,
      };
      const spec = captureFunction(ok, env, 'map');
      expect(spec.env).to.equal(env); // no markers: shipped as is, not copied
      expect(spec.markers).to.deep.equal([]);
    });
  });

  describe('transport markers', () => {
    it('replaces transportable objects by markers and lists each once', () => {
      const text = useModule('./lib/text.js');
      const acc = { [TRANSPORT]: () => ({ $kindling: 'accumulator', id: 7 }) };
      const env = { text, acc, nested: { again: useModule('./lib/text.js'), list: [acc] }, n: 1 };
      const spec = captureFunction((line: string, e: typeof env) => e.text + line, env, 'map');
      expect(spec.env).to.deep.equal({
        text: { $kindling: 'module', specifier: './lib/text.js' },
        acc: { $kindling: 'accumulator', id: 7 },
        nested: { again: { $kindling: 'module', specifier: './lib/text.js' }, list: [{ $kindling: 'accumulator', id: 7 }] },
        n: 1,
      });
      expect(spec.markers).to.deep.equal([
        { $kindling: 'module', specifier: './lib/text.js' },
        { $kindling: 'accumulator', id: 7 },
      ]);
      expect(env.text).to.equal(text); // the caller's object is untouched
      expect(env.nested.list[0]).to.equal(acc);
    });
  });
});

// Referenced as a free identifier by a test above; bound from env on executors.
declare const min: number;
