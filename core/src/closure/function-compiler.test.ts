import { expect } from 'chai';
import { deserialize, serialize } from 'node:v8';
import { compileFunction } from './function-compiler.js';
import { captureFunction, type FunctionSpec } from './function-spec.js';
import { useModule } from './module-ref.js';
import type { TransportMarker } from './transport-marker.js';

const noMarkers = (m: TransportMarker): never => {
  throw new Error(`unexpected marker ${JSON.stringify(m)}`);
};

/** What an executor sees: the spec after a structured-clone trip. */
function shipped(fn: Function, env?: Record<string, unknown>, operation = 'map'): FunctionSpec {
  return deserialize(serialize(captureFunction(fn, env, operation))) as FunctionSpec;
}

function run(spec: FunctionSpec, ...args: unknown[]): unknown {
  const { fn, env } = compileFunction(spec, noMarkers);
  return fn(...args, env);
}

describe('closure/compileFunction', () => {
  it('round-trips arrows, function expressions and env access', () => {
    expect(run(shipped((x: number, env: { min: number }) => x > env.min, { min: 3 }), 5)).to.equal(true);
    expect(run(shipped(function (a: number, b: number) { return a + b; }), 2, 3)).to.equal(5);
    expect(run(shipped(function named(n: number): number { return n <= 1 ? 1 : n * named(n - 1); }), 5)).to.equal(120);
  });

  it('round-trips async functions and generators', async () => {
    const doubled = run(shipped(async (x: number) => { await Promise.resolve(); return x * 2; }), 21);
    expect(await (doubled as Promise<number>)).to.equal(42);
    const gen = run(shipped(function* (xs: number[]) { for (const x of xs) yield x + 1; }), [1, 2]);
    expect([...(gen as Iterable<number>)]).to.deep.equal([2, 3]);
  });

  it('round-trips method shorthand, async methods, getters and computed keys', async () => {
    const key = 'k';
    const o = {
      m(x: number) { return x + 1; },
      async am(x: number) { return x + 2; },
      *gm(x: number) { yield x; },
      get g() { return 7; },
      [key](x: number) { return x * 10; },
    };
    expect(run(shipped(o.m), 1)).to.equal(2);
    expect(await (run(shipped(o.am), 1) as Promise<number>)).to.equal(3);
    expect([...(run(shipped(o.gm), 4) as Iterable<number>)]).to.deep.equal([4]);
    expect(run(shipped(Object.getOwnPropertyDescriptor(o, 'g')!.get!))).to.equal(7);
    expect(run(shipped(o.k), 2)).to.equal(20);
  });

  it('binds env keys used as plain identifiers', () => {
    const spec = shipped((x: number) => x > min, { min: 3 });
    expect(run(spec, 5)).to.equal(true);
    expect(run({ ...spec, env: { min: 10 } }, 5)).to.equal(false);
  });

  it('compiles in strict mode', () => {
    const spec: FunctionSpec = { operation: 'map', source: 'function () { return typeof this; }', env: undefined, markers: [] };
    expect(run(spec)).to.equal('undefined');
  });

  it('names closure://<operation> in stack traces', () => {
    const { fn, env } = compileFunction(shipped((x: number) => { throw new Error(`bad ${x}`); }, undefined, 'flatMap'), noMarkers);
    let stack = '';
    try {
      fn(1, env);
    } catch (e) {
      stack = (e as Error).stack ?? '';
    }
    expect(stack).to.include('closure://flatMap');
  });

  it('compiles each source once', () => {
    const a = compileFunction(shipped((x: number) => x + 1000), noMarkers);
    const b = compileFunction(shipped((x: number) => x + 1000), noMarkers);
    expect(a.fn).to.equal(b.fn);
  });

  it('resolves markers in a copy of the env and leaves the spec alone', () => {
    const spec = shipped(
      (line: string, env: { text: { split(s: string): string[] }; opts: { m: unknown } }) => env.text.split(line).length,
      { text: useModule('./lib/text.js'), opts: { m: useModule('./lib/text.js'), keep: [1] } },
    );
    const before = structuredClone(spec.env);
    const resolved: TransportMarker[] = [];
    const fakeModule = { split: (s: string) => s.split(' ') };
    const { fn, env } = compileFunction(spec, (m) => {
      resolved.push(m);
      return fakeModule;
    });
    expect(fn('a b c', env)).to.equal(3);
    expect((env as { opts: { m: unknown } }).opts.m).to.equal(fakeModule);
    expect(resolved).to.deep.equal([{ $kindling: 'module', specifier: './lib/text.js' }]); // once per marker
    expect(spec.env).to.deep.equal(before);
  });

  it('reports sources that do not compile', () => {
    const spec: FunctionSpec = { operation: 'map', source: '(x) => {', env: undefined, markers: [] };
    expect(() => compileFunction(spec, noMarkers)).to.throw(/does not compile on this executor/);
  });

  it("supplies tsx/esbuild's __name helper that keepNames puts around inner named functions", () => {
    // What tsx emits for `(x) => { const sq = (y) => y * y; return ... }`.
    const emitted = new Function('return (x) => { const sq = __name((y) => y * y, "sq"); return `${sq.name}:${sq(x)}`; }')();
    expect(run(shipped(emitted), 4)).to.equal('sq:16');
    const bound = new Function('return (x) => x + __name')();
    expect(run(shipped(bound, { __name: 10 }), 1)).to.equal(11); // an env binding of that name wins
  });
});

declare const min: number;
