import { expect } from 'chai';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as tar from 'tar';
import { ROOT, TESTDATA, cleanEnv } from '../helpers/submit.js';

const run = promisify(execFile);
/** The workspaces an application installs; @kindling/test is private. */
const WORKSPACES = ['core', 'cluster-managers/local', 'cluster-managers/standalone', 'cluster-managers/yarn', 'cluster-managers/mesos', 'deploy'];
const ADAPTERS = ['@kindling/cluster-manager-local', '@kindling/cluster-manager-standalone', '@kindling/cluster-manager-yarn', '@kindling/cluster-manager-mesos'];

async function tarballEntries(file: string): Promise<string[]> {
  const names: string[] = [];
  await tar.t({ file, onReadEntry: (e) => names.push(e.path) });
  return names;
}

/**
 * Kindling used as a new user would: every workspace packed with `npm pack`, installed from the
 * tarballs into an app in the OS temp dir (outside this repository) that brings npm packages of
 * its own (acorn 6, where Kindling uses acorn 8, and ms) and a local module, and run through the
 * app's own node_modules/.bin/kindling-submit.
 */
describe('an application outside the repository, installed from packed tarballs', function () {
  this.timeout(240_000);
  let tmp: string;
  let app: string;
  const tarballs: Record<string, string> = {};

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-outside-'));
    const packDir = path.join(tmp, 'tarballs');
    fs.mkdirSync(packDir);
    // The suite has just built dist/ (npm test runs tsc -b); prepack would only build it again.
    const { stdout } = await run(
      'npm',
      ['pack', '--ignore-scripts', '--json', '--pack-destination', packDir, ...WORKSPACES.flatMap((w) => ['-w', w])],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
    );
    for (const p of JSON.parse(stdout) as Array<{ name: string; filename: string }>) tarballs[p.name] = path.join(packDir, p.filename);
    app = path.join(tmp, 'app');
    fs.cpSync(path.join(TESTDATA, 'outside-app'), app, { recursive: true });
    const dependencies: Record<string, string> = { acorn: '^6.4.2', ms: '^2.1.3' };
    for (const [name, file] of Object.entries(tarballs)) dependencies[name] = `file:${file}`;
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'outside-app', private: true, type: 'module', dependencies }, null, 2));
    try {
      await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: app, maxBuffer: 64 * 1024 * 1024 });
    } catch (e) {
      throw new Error(`npm install of the packed tarballs (and acorn@6, ms from the npm registry) failed: ${(e as { stderr?: string }).stderr ?? e}`);
    }
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('packs every workspace with its dist/ and bins, and without test files', async () => {
    expect(Object.keys(tarballs).sort()).to.deep.equal([...ADAPTERS, '@kindling/core', '@kindling/deploy'].sort());
    for (const adapter of ADAPTERS.slice(1)) {
      const entries = await tarballEntries(tarballs[adapter]!);
      expect(entries, adapter).to.include('package/dist/index.js');
      for (const name of entries) expect(name).to.not.match(/\.test\.|\.test-helper\.|tsbuildinfo/);
    }
    for (const bin of ['kindling-master', 'kindling-worker']) {
      expect(fs.existsSync(path.join(app, 'node_modules', '.bin', bin)), bin).to.equal(true);
      const { stdout } = await run(path.join(app, 'node_modules', '.bin', bin), ['--help'], { cwd: app, env: cleanEnv() });
      expect(stdout, `${bin} --help`).to.contain(bin);
    }
    const core = await tarballEntries(tarballs['@kindling/core']!);
    const local = await tarballEntries(tarballs['@kindling/cluster-manager-local']!);
    const deploy = await tarballEntries(tarballs['@kindling/deploy']!);
    expect(core).to.include.members(['package/dist/index.js', 'package/dist/cluster-manager.js', 'package/bin/kindling-executor.js', 'package/proto/kindling.proto']);
    expect(local).to.include('package/dist/index.js');
    expect(deploy).to.include.members(['package/dist/bin/kindling-submit.js', 'package/bin/kindling-submit.js']);
    for (const name of [...core, ...local, ...deploy]) expect(name).to.not.match(/\.test\.|\.test-helper\.|tsbuildinfo/);
    for (const bin of ['kindling-submit', 'kindling-executor']) expect(fs.existsSync(path.join(app, 'node_modules', '.bin', bin)), bin).to.equal(true);
    const acornVersion = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version as string;
    expect(acornVersion(path.join(app, 'node_modules', 'acorn'))).to.match(/^6\./);
    expect(acornVersion(path.join(app, 'node_modules', '@kindling', 'core', 'node_modules', 'acorn'))).to.match(/^8\./);
  });

  it('loads every cluster-manager package from its install, as Kindling discovers them', async () => {
    const script = `for (const m of ${JSON.stringify(ADAPTERS)}) { const mod = await import(m); console.log(m, mod.clusterManagerModule?.constructor?.name); }`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: app, env: cleanEnv() });
    expect(stdout.trim().split('\n')).to.deep.equal(ADAPTERS.map((m) => `${m} ContainerModule`));
  });

  for (const master of ['local[2]', 'local-cluster[2,1,512]']) {
    it(`runs through its own kindling-submit on ${master}`, async () => {
      const out = path.join(tmp, `result-${master.replace(/\W+/g, '-')}.json`);
      const submit = path.join(app, 'node_modules', '.bin', 'kindling-submit');
      const cacheDir = path.join(tmp, 'package-cache');
      try {
        await run(submit, ['--master', master, '--conf', `kindling.app.package.cacheDir=${cacheDir}`, 'app.ts', out], { cwd: app, env: cleanEnv() });
      } catch (e) {
        const err = e as { stdout?: string; stderr?: string };
        throw new Error(`kindling-submit on ${master} failed:\n${err.stderr}\n${err.stdout}`);
      }
      const result = JSON.parse(fs.readFileSync(out, 'utf8')) as {
        master: string;
        executors: number;
        captureCheck: string;
        rows: Array<{ word: string; loadedFrom: string; acorn: string; twoHoursMs: number }>;
      };
      expect(result.master).to.equal(master);
      expect(result.executors).to.equal(master === 'local[2]' ? 1 : 2);
      expect(result.rows.map((r) => r.word)).to.deep.equal(['ALPHA!', 'BETA!', 'GAMMA!', 'DELTA!']);
      for (const row of result.rows) {
        expect(row.acorn, "tasks see the app's acorn").to.match(/^6\./);
        expect(row.twoHoursMs).to.equal(7_200_000);
      }
      // Kindling's capture check still works (with its own acorn 8) and names the captured variable's error.
      expect(result.captureCheck).to.equal('ClosureCaptureError');
      const helperDir = path.dirname(new URL(result.rows[0]!.loadedFrom).pathname);
      if (master === 'local[2]') expect(helperDir).to.equal(fs.realpathSync(path.join(app, 'lib')));
      else expect(helperDir).to.match(/kindling-packages-[^/]+\/[0-9a-f]{64}\/lib$/, "executors load the app's module from their unpacked copy");
    });
  }
});
