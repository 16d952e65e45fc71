import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KindlingContext } from '@kindling/core';
import { typedModule, type FsModule } from '../helpers/modules.js';

type Which = { version: string; url: string };
type Core = typeof import('@kindling/core');

/** A tiny app outside the repository, with a local module that reports where it was loaded from. */
function makeApp(label: string, version: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kindling-pkg-${label}-`));
  fs.mkdirSync(path.join(dir, 'lib'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `app-${label}`, type: 'module' }));
  fs.writeFileSync(path.join(dir, 'app.js'), '// entry\n');
  fs.writeFileSync(path.join(dir, 'lib', 'which.js'), `export const version = ${JSON.stringify(version)};\nexport const url = import.meta.url;\n`);
  fs.writeFileSync(path.join(dir, 'lookup.txt'), `lookup-${version}\n`);
  return dir;
}

const conf = (app: string, extra: Record<string, string> = {}) => ({
  'kindling.app.root': app,
  'kindling.app.entry': path.join(app, 'app.js'),
  'kindling.app.package.cacheDir': path.join(app, '.cache'),
  ...extra,
});

describe('application packages on local-cluster', function () {
  this.timeout(120_000);
  const made: string[] = [];
  after(() => {
    for (const d of made) fs.rmSync(d, { recursive: true, force: true });
  });

  it("loads the app's modules from the executors' unpacked copy, not from the app's directory", async () => {
    const app = makeApp('copy', 'A');
    made.push(app);
    const kc = await KindlingContext.create({
      master: 'local-cluster[2,1,256]',
      conf: conf(app, { 'kindling.executorEnv.KINDLING_PKG_TEST': 'from-executor-env' }),
    });
    try {
      // The app's directory loses the module after create(): executors must not need it.
      fs.renameSync(path.join(app, 'lib', 'which.js'), path.join(app, 'lib', 'moved.js'));
      const rows = await kc
        .parallelize([1, 2, 3, 4], 4)
        .map((_x, env) => [env.which.version, env.which.url, process.env['KINDLING_PKG_TEST'] ?? ''], { which: typedModule<Which>('./lib/which.js') })
        .collect();
      expect(rows).to.have.length(4);
      for (const [version, url, envVar] of rows) {
        expect(version).to.equal('A');
        expect(url).to.not.contain(app, 'loaded from the unpacked package');
        expect(url).to.match(/kindling-packages-[^/]+\/[0-9a-f]{64}\/lib\/which\.js$/);
        expect(envVar).to.equal('from-executor-env');
      }
    } finally {
      await kc.stop();
    }
  });

  it('keeps two apps on one host apart', async () => {
    const [a, b] = [makeApp('two-a', 'one'), makeApp('two-b', 'two')];
    made.push(a, b);
    const run = async (app: string) => {
      const kc = await KindlingContext.create({ master: 'local-cluster[1,1,256]', conf: conf(app) });
      try {
        return await kc.parallelize([0, 1], 2).map((_x, env) => env.which.version, { which: typedModule<Which>('./lib/which.js') }).collect();
      } finally {
        await kc.stop();
      }
    };
    const [ra, rb] = await Promise.all([run(a), run(b)]);
    expect(ra).to.deep.equal(['one', 'one']);
    expect(rb).to.deep.equal(['two', 'two']);
  });

  for (const master of ['local[2]', 'local-cluster[1,1,256]']) {
    it(`serves --files and --archives to tasks through KindlingFiles on ${master}`, async () => {
      const app = makeApp(`files-${master.replace(/\W/g, '')}`, 'F');
      made.push(app);
      const tar = await import('tar');
      fs.mkdirSync(path.join(app, 'bundle'));
      fs.writeFileSync(path.join(app, 'bundle', 'inside.txt'), 'from the archive\n');
      await tar.c({ gzip: true, file: path.join(app, 'bundle.tgz'), cwd: path.join(app, 'bundle') }, ['inside.txt']);
      const kc = await KindlingContext.create({
        master,
        conf: conf(app, { 'kindling.files': `${path.join(app, 'lookup.txt')},${path.join(app, 'lookup.txt')}#alias.txt`, 'kindling.archives': path.join(app, 'bundle.tgz') }),
      });
      try {
        const got = await kc
          .parallelize([0], 1)
          .map(
            (_x, env) => {
              const fs2 = env.fs;
              const files = env.core.KindlingFiles;
              return [
                fs2.readFileSync(files.get('lookup.txt'), 'utf8'),
                fs2.readFileSync(files.get('alias.txt'), 'utf8'),
                fs2.readFileSync(`${files.get('bundle.tgz')}/inside.txt`, 'utf8'),
              ];
            },
            { core: typedModule<Core>('@kindling/core'), fs: typedModule<FsModule>('node:fs') },
          )
          .collect();
        expect(got).to.deep.equal([['lookup-F\n', 'lookup-F\n', 'from the archive\n']]);
        const { KindlingFiles } = await import('@kindling/core');
        expect(fs.readFileSync(KindlingFiles.get('lookup.txt'), 'utf8')).to.equal('lookup-F\n', 'on the driver too');
        expect(() => KindlingFiles.get('nope.txt')).to.throw(/no file or archive of that name was shipped.*shipped: alias.txt, bundle.tgz, lookup.txt/);
      } finally {
        await kc.stop();
      }
    });
  }
});
