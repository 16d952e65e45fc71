import { expect } from 'chai';
import { freeVariables } from './free-variables.js';

const names = (src: string) => freeVariables(src).freeVariables.map((v) => v.name);

describe('closure/freeVariables', () => {
  it('finds identifiers the function does not declare', () => {
    expect(names('(x) => x * factor + Math.max(x, limit)')).to.deep.equal(['factor', 'Math', 'limit']);
  });

  it('does not report parameters, locals or nested functions', () => {
    const src = `(x, { a, b: [c, ...rest] }, ...more) => {
      const y = x + a + c;
      function helper(z) { let w = z * 2; return w + y; }
      const inner = (q) => { try { return q; } catch (err) { return err; } };
      for (const k of rest) inner(k);
      class Local { m() { return helper(1); } }
      return helper(y) + more.length + new Local().m();
    }`;
    expect(names(src)).to.deep.equal([]);
  });

  it('reports outer variables used in default parameters', () => {
    expect(names('(x, y = factor, { z = other } = {}) => x + y + z')).to.deep.equal(['factor', 'other']);
  });

  it('marks free variables the function assigns to', () => {
    const report = freeVariables('(x) => { total += x; count++; return seen; }');
    expect(report.freeVariables).to.deep.equal([
      { name: 'total', written: true },
      { name: 'count', written: true },
      { name: 'seen', written: false },
    ]);
  });

  it('flags `this` of the shipped function but not of nested functions or classes', () => {
    expect(freeVariables('function (x) { return this.y + x; }').usesThis).to.equal(true);
    expect(freeVariables('(x) => this.y + x').usesThis).to.equal(true);
    expect(freeVariables('function (x) { return () => this.y; }').usesThis).to.equal(true);
    expect(freeVariables('(x) => function () { return this; }').usesThis).to.equal(false);
    expect(freeVariables('(x) => new (class { y = this; m() { return this.y; } })()').usesThis).to.equal(false);
    expect(freeVariables('m(x) { return this.y; }').usesThis).to.equal(true);
  });

  it('flags `super` outside a nested method and `arguments` of an enclosing function', () => {
    expect(freeVariables('(x) => super.m(x)').usesSuper).to.equal(true);
    expect(freeVariables('m(x) { return super.m(x); }').usesSuper).to.equal(true);
    expect(freeVariables('(x) => ({ m() { return super.toString(); } })').usesSuper).to.equal(false);
    expect(freeVariables('(x) => arguments[0]').usesArguments).to.equal(true);
    expect(freeVariables('function (x) { return arguments[0]; }').usesArguments).to.equal(false);
    expect(names('(x) => arguments[0]')).to.deep.equal([]);
  });

  it('flags private names of enclosing classes and import.meta', () => {
    expect(freeVariables('(o) => o.#secret').privateNames).to.deep.equal(['#secret']);
    expect(freeVariables('(o) => new (class { #p = 1; get() { return this.#p; } })()').privateNames).to.deep.equal([]);
    expect(freeVariables('(x) => import.meta.url + x').usesImportMeta).to.equal(true);
  });

  it('handles method shorthand, async, generator, accessor and computed-key forms', () => {
    expect(freeVariables('m(x) { return x + k; }')).to.include({ form: 'method' });
    expect(names('async m(x) { return await load(x); }')).to.deep.equal(['load']);
    expect(names('*gen(xs) { yield* xs; }')).to.deep.equal([]);
    expect(names('async *gen(xs) { for await (const x of xs) yield x; }')).to.deep.equal([]);
    expect(names('get size() { return 1; }')).to.deep.equal([]);
    expect(names('function* (xs) { yield* xs; }')).to.deep.equal([]);
    const computed = freeVariables('[key](x) { return x + 1; }');
    expect(computed.freeVariables).to.deep.equal([]);
    expect(computed.source).to.equal('method(x) { return x + 1; }');
  });

  it('recognises native, bound and class sources without parsing them', () => {
    expect(freeVariables(Math.max.toString()).isNative).to.equal(true);
    expect(freeVariables(((x: number) => x).bind(null).toString()).isNative).to.equal(true);
    expect(freeVariables('class A extends B { m() { return q; } }')).to.include({ isClass: true });
    expect(names('class A extends B {}')).to.deep.equal([]);
  });

  it('reports sources that are not strict-mode functions', () => {
    expect(freeVariables('function (x) { with (x) { return y; } }').parseError).to.match(/strict mode/);
    expect(freeVariables('not a function at all').parseError).to.be.a('string');
  });

  it('caches the analysis per source text', () => {
    const src = '(x) => x + cachedName';
    expect(freeVariables(src)).to.equal(freeVariables(src));
  });
});
