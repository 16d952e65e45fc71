import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { JS_GLOBALS, isJsGlobal } from './js-globals.js';

// Compiled to core/dist/closure/, so the fixture is two levels up.
const FIXTURE = fileURLToPath(new URL('../../testdata/closure/js-globals.txt', import.meta.url));

describe('closure/JS_GLOBALS', () => {
  it('matches the checked-in list (review the diff when Node or the list changes)', () => {
    const pinned = readFileSync(FIXTURE, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    expect([...JS_GLOBALS].sort()).to.deep.equal(pinned);
  });

  it('only lists names this Node version defines', () => {
    const missing = [...JS_GLOBALS].filter((name) => !(name in globalThis));
    expect(missing).to.deep.equal([]);
  });

  it('leaves out module-scoped names, eval and test-runner globals', () => {
    for (const name of ['require', 'module', 'exports', '__dirname', '__filename', 'eval', 'describe', 'it']) {
      expect(isJsGlobal(name), name).to.equal(false);
    }
  });
});
