import { expect } from 'chai';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';

// docs/writing-a-cluster-manager.md quotes this directory's files; keep them identical.
const repo = (p: string) => fileURLToPath(new URL(`../../../${p}`, import.meta.url));

describe('docs/writing-a-cluster-manager.md', () => {
  const doc = fs.readFileSync(repo('docs/writing-a-cluster-manager.md'), 'utf8');
  for (const file of ['spawn-cluster-manager.ts', 'spawn-launcher.ts', 'index.ts', 'conformance.test.ts']) {
    it(`quotes test/src/walkthrough-adapter/${file} verbatim`, () => {
      const source = fs.readFileSync(repo(`test/src/walkthrough-adapter/${file}`), 'utf8').trimEnd();
      expect(doc.includes('```ts\n' + source + '\n```'), `${file} differs from its listing in the doc`).to.equal(true);
    });
  }
});
