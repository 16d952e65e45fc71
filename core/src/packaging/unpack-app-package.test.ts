import { expect } from 'chai';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AppPackageError } from '../errors.js';
import { APP_MANIFEST } from './app-manifest.js';
import { packApplication } from './pack-application.js';
import { rawTarGz, removeTempDirs, tempDir, writeTree, type RawEntry } from './packaging.test-helper.js';
import { unpackAppPackage } from './unpack-app-package.js';

const MANIFEST: RawEntry = { path: APP_MANIFEST, body: JSON.stringify({ format: 1, appDir: '', entry: 'app.js', files: [], archives: [] }) };

/** Writes bytes as <sha256>.tgz and returns [path, hash]. */
function archiveFile(dir: string, bytes: Buffer): [string, string] {
  const hash = createHash('sha256').update(bytes).digest('hex');
  const file = path.join(dir, `${hash}.tgz`);
  fs.writeFileSync(file, bytes);
  return [file, hash];
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  return expect.fail('expected a rejection');
}

describe('unpackAppPackage', () => {
  after(removeTempDirs);

  it('unpacks a packed app into packageDir/<hash>, with shipped files and unpacked archives', async () => {
    const app = tempDir('unpack-app');
    const data = tempDir('unpack-data');
    writeTree(app, { 'package.json': '{}', 'app.js': 'x', 'lib/a.js': 'a' });
    writeTree(data, { 'inner/readme.txt': 'inside' });
    const tgz = path.join(tempDir('unpack-tgz'), 'bundle.tgz');
    const tarMod = await import('tar');
    await tarMod.c({ gzip: true, file: tgz, cwd: data }, ['inner']);
    writeTree(data, { 'lookup.csv': 'k,v\n' });
    const pkg = await packApplication({
      appRoot: app,
      entry: 'app.js',
      cacheDir: tempDir('unpack-cache'),
      files: [path.join(data, 'lookup.csv')],
      archives: [tgz],
    });
    const packageDir = tempDir('unpack-dir');
    const root = await unpackAppPackage(pkg.archivePath, packageDir, pkg.hash, 'demo');
    expect(root).to.equal(path.join(packageDir, pkg.hash));
    expect(fs.readFileSync(path.join(root, 'lib/a.js'), 'utf8')).to.equal('a');
    expect(fs.readFileSync(path.join(root, '.kindling/files/lookup.csv'), 'utf8')).to.equal('k,v\n');
    expect(fs.readFileSync(path.join(root, '.kindling/files/bundle.tgz/inner/readme.txt'), 'utf8')).to.equal('inside');
    expect(fs.existsSync(path.join(root, 'node_modules/@kindling/core/package.json'))).to.equal(true);
    expect(fs.readdirSync(packageDir)).to.deep.equal([pkg.hash], 'no temporary directory is left behind');
  });

  it('lets concurrent executors unpack the same package: one complete copy, nobody fails', async () => {
    const dir = tempDir('unpack-race');
    const [file, hash] = archiveFile(dir, rawTarGz([MANIFEST, ...Array.from({ length: 50 }, (_, i) => ({ path: `f/${i}.txt`, body: String(i) }))]));
    const packageDir = path.join(dir, 'packages');
    const roots = await Promise.all(Array.from({ length: 6 }, () => unpackAppPackage(file, packageDir, hash, 'race')));
    expect(new Set(roots).size).to.equal(1);
    expect(fs.readdirSync(path.join(roots[0]!, 'f'))).to.have.length(50);
    expect(fs.readdirSync(packageDir).filter((e) => e !== `${hash}.tgz`)).to.deep.equal([hash]);
  });

  it('refuses a corrupted or truncated archive, naming the app and the archive', async () => {
    const dir = tempDir('unpack-corrupt');
    const good = rawTarGz([MANIFEST, { path: 'a.txt', body: 'a'.repeat(5000) }]);
    const [file, hash] = archiveFile(dir, good);
    fs.truncateSync(file, Math.floor(good.length / 2));
    const mismatch = await rejection(unpackAppPackage(file, path.join(dir, 'p'), hash, 'wordcount'));
    expect(mismatch).to.be.instanceOf(AppPackageError);
    expect(mismatch.message).to.contain("application 'wordcount'").and.contain(file).and.contain('corrupt or truncated');

    // Truncated bytes whose hash matches (as if the sender was the one who broke it): the tar layer says so.
    const [cut, cutHash] = archiveFile(dir, good.subarray(0, Math.floor(good.length / 2)));
    const truncated = await rejection(unpackAppPackage(cut, path.join(dir, 'p'), cutHash, 'wordcount'));
    expect(truncated).to.be.instanceOf(AppPackageError);
    expect(truncated.message).to.contain("application 'wordcount'").and.contain(cut).and.contain('cannot be unpacked');
    const [garbage, garbageHash] = archiveFile(dir, Buffer.from('this is not a tar.gz at all'));
    expect((await rejection(unpackAppPackage(garbage, path.join(dir, 'p'), garbageHash, 'wordcount'))).message).to.contain('corrupt');
    expect(fs.existsSync(path.join(dir, 'p', hash))).to.equal(false);
  });

  const attacks: Array<[string, RawEntry, string]> = [
    ['a path climbing out with ..', { path: '../escaped.txt', body: 'x' }, "climbs out of the destination with '..'"],
    ['a nested ..', { path: 'lib/../../escaped.txt', body: 'x' }, "'..'"],
    ['an absolute path', { path: '/tmp/kindling-escaped-abs.txt', body: 'x' }, 'absolute path'],
    ['a symlink pointing outside', { path: 'link', type: 'SymbolicLink', linkpath: '/etc' }, 'symbolic link'],
    ['a relative symlink pointing outside', { path: 'lib/link', type: 'SymbolicLink', linkpath: '../../..' }, 'symbolic link'],
    ['a hard link to a file outside', { path: 'hard', type: 'Link', linkpath: '/etc/passwd' }, 'hard link'],
    ['a device file', { path: 'dev', type: 'CharacterDevice' }, 'CharacterDevice'],
  ];
  for (const [what, entry, message] of attacks) {
    it(`refuses ${what} and writes nothing outside`, async () => {
      const dir = tempDir('unpack-attack');
      const [file, hash] = archiveFile(dir, rawTarGz([MANIFEST, entry, { path: 'after.txt', body: 'y' }]));
      const packageDir = path.join(dir, 'packages');
      const err = await rejection(unpackAppPackage(file, packageDir, hash, 'evil'));
      expect(err).to.be.instanceOf(AppPackageError);
      expect(err.message).to.contain('Refusing to unpack').and.contain("application 'evil'").and.contain(message);
      expect(fs.existsSync(path.join(dir, 'escaped.txt'))).to.equal(false);
      expect(fs.existsSync(path.join(packageDir, 'escaped.txt'))).to.equal(false);
      expect(fs.existsSync('/tmp/kindling-escaped-abs.txt')).to.equal(false);
      expect(fs.readdirSync(packageDir)).to.deep.equal([], 'nothing unpacked, no temporary directory left');
    });
  }

  it('allows links inside a kindling.archives tarball only when they stay inside it', async () => {
    const { safeExtract } = await import('./unpack-app-package.js');
    const dir = tempDir('unpack-links');
    const inside = path.join(dir, 'inside.tgz');
    fs.writeFileSync(inside, rawTarGz([{ path: 'a.txt', body: 'A' }, { path: 'b.txt', type: 'SymbolicLink', linkpath: 'a.txt' }]));
    fs.mkdirSync(path.join(dir, 'ok'));
    await safeExtract(inside, path.join(dir, 'ok'), { what: 'test archive', allowInternalLinks: true });
    expect(fs.readFileSync(path.join(dir, 'ok/b.txt'), 'utf8')).to.equal('A');
    const outside = path.join(dir, 'outside.tgz');
    fs.writeFileSync(outside, rawTarGz([{ path: 'b.txt', type: 'SymbolicLink', linkpath: '../../x' }]));
    fs.mkdirSync(path.join(dir, 'bad'));
    const err = await rejection(safeExtract(outside, path.join(dir, 'bad'), { what: 'test archive', allowInternalLinks: true }));
    expect(err.message).to.contain('outside the destination');
  });

  it('rejects a hash that is not one', async () => {
    const err = await rejection(unpackAppPackage('/nonexistent.tgz', tempDir('unpack-h'), '../../etc', 'x'));
    expect(err).to.be.instanceOf(AppPackageError);
    expect(err.message).to.contain('is not an application package hash');
  });
});
