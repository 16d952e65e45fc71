import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { importedBindings, importedNames } from './module-imports.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../testdata/closure/${name}`, import.meta.url));

describe('closure/importedNames', () => {
  it('scans TypeScript import forms and ignores type-only imports and comments', () => {
    const names = [...importedNames(fixture('imports-sample.ts'))].sort();
    expect(names).to.deep.equal(['a', 'base', 'cjs', 'def', 'fs', 'join', 'legacy', 'ml', 'multi', 'named', 'os', 'renamed']);
    const bindings = importedBindings(fixture('imports-sample.ts'));
    expect(bindings.get('base')).to.deep.equal({ local: 'base', imported: 'basename', specifier: 'node:path' });
    expect(bindings.get('os')).to.deep.equal({ local: 'os', imported: '*', specifier: 'node:os' });
    expect(bindings.get('def')).to.deep.equal({ local: 'def', imported: 'default', specifier: './lib/thing.js' });
    expect(bindings.get('renamed')).to.deep.equal({ local: 'renamed', imported: 'b', specifier: 'destructured-lib' });
  });

  it('parses ES modules with acorn', () => {
    const bindings = importedBindings(fixture('imports-sample.mjs'));
    expect([...bindings.keys()].sort()).to.deep.equal(['base', 'def', 'fs', 'join', 'os', 'str']);
    expect(bindings.get('str')).to.deep.equal({ local: 'str', imported: 'string name', specifier: './lib/thing.js' });
  });

  it('understands TypeScript CommonJS output', () => {
    const bindings = importedBindings(fixture('imports-sample.cjs'));
    expect([...bindings.keys()].sort()).to.deep.equal(['helper_js_1', 'path_1', 'readFileSync', 'sep', 'write']);
    expect(bindings.get('helper_js_1')).to.deep.equal({ local: 'helper_js_1', imported: '*', specifier: './helper.js' });
    expect(bindings.get('sep')).to.deep.equal({ local: 'sep', imported: 'sep', specifier: 'node:path' });
  });

  it('falls back to the scanner when acorn rejects a file, and tolerates missing files', () => {
    expect([...importedNames(fixture('broken.js'))]).to.deep.equal(['kept']);
    expect(importedNames(fixture('does-not-exist.ts')).size).to.equal(0);
  });

  it('caches per file', () => {
    expect(importedBindings(fixture('imports-sample.ts'))).to.equal(importedBindings(fixture('imports-sample.ts')));
  });
});
