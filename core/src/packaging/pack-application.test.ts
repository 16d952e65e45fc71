import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tar from 'tar';
import { AppPackageError } from '../errors.js';
import { APP_MANIFEST } from './app-manifest.js';
import { packApplication } from './pack-application.js';
import { fakePackage, removeTempDirs, tempDir, writeTree } from './packaging.test-helper.js';

async function listArchive(file: string): Promise<string[]> {
  const names: string[] = [];
  await tar.t({ file, onReadEntry: (e) => names.push(e.path) });
  return names;
}

/** An app with a local module, a dependency with a nested conflicting version, a dev dependency and a linked package. */
function makeApp(): { root: string; outside: string } {
  const root = tempDir('pack-app');
  const outside = tempDir('pack-linked');
  writeTree(root, {
    'package.json': JSON.stringify({ name: 'app', dependencies: { left: '1', linked: '1' }, devDependencies: { devtool: '1' } }),
    'package-lock.json': '{}',
    'app.js': "console.log('hi')\n",
    'lib/helper.js': 'export const x = 1;\n',
    '.git/HEAD': 'ref\n',
    '.env/secret': 'no\n',
    'out/big.txt': 'output\n',
  });
  fakePackage(path.join(root, 'node_modules/left'), 'left', '1.0.0', { right: '2' });
  fakePackage(path.join(root, 'node_modules/right'), 'right', '1.0.0');
  fakePackage(path.join(root, 'node_modules/left/node_modules/right'), 'right', '2.0.0');
  fakePackage(path.join(root, 'node_modules/devtool'), 'devtool', '1.0.0');
  fakePackage(outside, 'linked', '1.0.0');
  fs.symlinkSync(outside, path.join(root, 'node_modules/linked'), 'dir');
  return { root, outside };
}

describe('packApplication', () => {
  after(removeTempDirs);

  it('packs the entry, package.json, lockfile, local modules and the production node_modules, links as real files', async () => {
    const { root } = makeApp();
    const cache = tempDir('pack-cache');
    const pkg = await packApplication({ appRoot: root, entry: 'app.js', cacheDir: cache, exclude: ['out'] });
    const names = await listArchive(pkg.archivePath);
    expect(names).to.include.members([
      APP_MANIFEST,
      'app.js',
      'lib/helper.js',
      'package.json',
      'package-lock.json',
      'node_modules/left/index.js',
      'node_modules/left/node_modules/right/package.json',
      'node_modules/linked/index.js',
      'node_modules/@kindling/core/package.json',
    ]);
    // Neither dev dependencies, dot-entries, exclusions, nor the unused top-level 'right' (left needs its nested 2.0.0).
    expect(names.filter((n) => /devtool|\.git\/|\.env\/|^out\/|^node_modules\/right\//.test(n))).to.deep.equal([]);
    expect(names).to.deep.equal([...names].sort(), 'entries are sorted');
    expect(pkg.entry).to.equal('app.js');
    expect(pkg.hash).to.match(/^[0-9a-f]{64}$/);
    expect(path.basename(pkg.archivePath)).to.equal(`${pkg.hash}.tgz`);
    expect(pkg.sizeBytes).to.equal(fs.statSync(pkg.archivePath).size);
  });

  it('gives the same bytes and hash for the same files, and is cached by fingerprint', async () => {
    const { root } = makeApp();
    const first = await packApplication({ appRoot: root, entry: 'app.js', cacheDir: tempDir('pack-cache-a') });
    const again = await packApplication({ appRoot: root, entry: 'app.js', cacheDir: tempDir('pack-cache-b') });
    expect(first.fromCache).to.equal(false);
    expect(again.hash).to.equal(first.hash, 'deterministic across caches');
    const cached = await packApplication({ appRoot: root, entry: 'app.js', cacheDir: path.dirname(first.archivePath) });
    expect(cached.fromCache).to.equal(true);
    expect(cached.hash).to.equal(first.hash);
    // A changed file changes the fingerprint, hence a new archive.
    fs.writeFileSync(path.join(root, 'lib/helper.js'), 'export const x = 22;\n');
    const changed = await packApplication({ appRoot: root, entry: 'app.js', cacheDir: path.dirname(first.archivePath) });
    expect(changed.fromCache).to.equal(false);
    expect(changed.hash).to.not.equal(first.hash);
  });

  it('names a dependency that is not installed, and a missing entry file', async () => {
    const root = tempDir('pack-missing');
    writeTree(root, { 'package.json': JSON.stringify({ dependencies: { 'not-installed': '1' } }), 'app.js': '' });
    const cacheDir = tempDir('pack-cache');
    await expectRejection(packApplication({ appRoot: root, entry: 'app.js', cacheDir }), AppPackageError, "'not-installed'");
    fs.writeFileSync(path.join(root, 'package.json'), '{}');
    await expectRejection(packApplication({ appRoot: root, entry: 'gone.js', cacheDir }), AppPackageError, 'gone.js does not exist');
  });

  it('ships kindling.files and kindling.archives, and rejects bad entries with the key and the fix', async () => {
    const root = tempDir('pack-files');
    writeTree(root, { 'package.json': '{}', 'app.js': '', 'data/lookup.csv': 'a,1\n', 'data/notes.zip': 'PK' });
    const cacheDir = tempDir('pack-cache');
    const pkg = await packApplication({ appRoot: root, entry: 'app.js', cacheDir, files: [path.join(root, 'data/lookup.csv'), `${path.join(root, 'data/lookup.csv')}#other.csv`] });
    expect(await listArchive(pkg.archivePath)).to.include.members(['.kindling/files/lookup.csv', '.kindling/files/other.csv']);
    await expectRejection(
      packApplication({ appRoot: root, entry: 'app.js', cacheDir, files: [path.join(root, 'data/lookup.csv'), path.join(root, 'data/lookup.csv')] }),
      Error,
      "the name 'lookup.csv' is already used",
    );
    await expectRejection(packApplication({ appRoot: root, entry: 'app.js', cacheDir, archives: [path.join(root, 'data/notes.zip')] }), Error, 'only tar archives');
    await expectRejection(packApplication({ appRoot: root, entry: 'app.js', cacheDir, files: ['/no/such/file.txt'] }), Error, 'kindling.files entry');
  });
});

async function expectRejection(p: Promise<unknown>, type: new (...a: never[]) => Error, text: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(type);
    expect((e as Error).message).to.contain(text);
    return;
  }
  expect.fail(`expected a rejection containing '${text}'`);
}
