/**
 * kindling-submit's cluster deploy mode, --status and --kill through the DriverSubmitter port, with
 * cluster managers registered through kindling.clusterManagers (one with cluster mode, one without).
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tar from 'tar';
import type { AppPackage } from '@kindling/core/cluster-manager';
import { runSubmitCli, type SubmitArguments } from '@kindling/deploy';
import { FakeDriverClusterManager } from './fixtures/fake-driver-cluster-manager.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const WITH_CLUSTER_MODE = `kindling.clusterManagers=${fixture('fake-driver-cluster-manager.js')}`;
const WITHOUT_CLUSTER_MODE = `kindling.clusterManagers=${fixture('fake-cluster-manager.js')}`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  packed: Array<SubmitArguments & { appPath: string }>;
  launched: boolean;
}

describe('kindling-submit cluster deploy mode, --status and --kill', function () {
  this.timeout(60_000);
  let dir: string;
  let app: string;
  const pkg: AppPackage = { hash: 'ab'.repeat(32), sizeBytes: 1234, archivePath: '/tmp/app.tgz', entry: 'app.ts' };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-cluster-mode-'));
    app = path.join(dir, 'app.ts');
    fs.writeFileSync(app, 'export {};\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function submit(...argv: string[]): Promise<Run> {
    return submitWith({ fakePacker: true }, ...argv);
  }

  async function submitWith(o: { fakePacker: boolean }, ...argv: string[]): Promise<Run> {
    const run: Run = { code: -1, stdout: '', stderr: '', packed: [], launched: false };
    const packer = o.fakePacker
      ? {
          packApp: async (args: SubmitArguments & { appPath: string }) => {
            run.packed.push(args);
            return pkg;
          },
        }
      : {};
    run.code = await runSubmitCli(argv, {
      stdout: (t) => void (run.stdout += t),
      stderr: (t) => void (run.stderr += t),
      env: { PATH: process.env['PATH'] },
      cwd: dir,
      launch: async () => {
        run.launched = true;
        return 0;
      },
      ...packer,
    });
    return run;
  }

  it('submits the packaged app to the manager with the resolved request, secret excluded', async () => {
    const run = await submit(
      '--master', 'fakecluster://c1', '--deploy-mode', 'cluster', '--conf', WITH_CLUSTER_MODE,
      '--driver-memory', '2g', '--driver-cores', '2', '--supervise', '--name', 'nightly',
      '--conf', 'kindling.authenticate=true', '--conf', 'kindling.authenticate.secret=hunter2',
      app, 'in.txt', '--flag',
    );
    expect(run.code, run.stderr).to.equal(0);
    expect(run.launched).to.equal(false);
    expect(run.packed).to.have.length(1);
    expect(run.packed[0]!.appPath).to.equal(app);
    const id = /^Submission ID: (driver-\d+-\d{4})\n$/.exec(run.stdout)?.[1];
    expect(id, run.stdout).to.be.a('string');
    expect(run.stderr).to.include(`Driver successfully submitted as ${id}`);
    const request = FakeDriverClusterManager.drivers.get(id!)!.request;
    expect(request).to.deep.include({
      masterUrl: 'fakecluster://c1',
      appName: 'nightly',
      appPackage: pkg,
      appArgs: ['in.txt', '--flag'],
      supervise: true,
      driverMemoryMiB: 2048,
      driverCores: 2,
    });
    expect(request.conf).to.deep.include({
      'kindling.master': 'fakecluster://c1',
      'kindling.submit.deployMode': 'cluster',
      'kindling.app.name': 'nightly',
      'kindling.authenticate': 'true',
      'kindling.driver.supervise': 'true',
    });
    expect(request.conf).not.to.have.property('kindling.authenticate.secret');
    // The manager itself may need the secret to reach its master; it gets the full conf.
    expect(FakeDriverClusterManager.confs.at(-1)).to.include({ 'kindling.authenticate.secret': 'hunter2' });
  });

  it("ships core's application package: the app, its local modules and package.json, hashed", async () => {
    const appDir = path.join(dir, 'real-app');
    fs.mkdirSync(path.join(appDir, 'lib'), { recursive: true });
    fs.writeFileSync(path.join(appDir, 'package.json'), JSON.stringify({ name: 'real-app', version: '1.0.0', type: 'module' }));
    fs.writeFileSync(path.join(appDir, 'main.ts'), "import './lib/helper.ts';\n");
    fs.writeFileSync(path.join(appDir, 'lib', 'helper.ts'), 'export const x = 1;\n');
    const run = await submitWith(
      { fakePacker: false },
      '--master', 'fakecluster://c1', '--deploy-mode', 'cluster', '--conf', WITH_CLUSTER_MODE,
      '--conf', `kindling.app.package.cacheDir=${path.join(dir, 'cache')}`, path.join(appDir, 'main.ts'),
    );
    expect(run.code, run.stderr).to.equal(0);
    const id = /Submission ID: (\S+)/.exec(run.stdout)![1]!;
    const shipped = FakeDriverClusterManager.drivers.get(id)!.request.appPackage;
    expect(shipped.entry).to.equal('main.ts');
    expect(fs.statSync(shipped.archivePath).size).to.equal(shipped.sizeBytes);
    expect(createHash('sha256').update(fs.readFileSync(shipped.archivePath)).digest('hex')).to.equal(shipped.hash);
    const entries: string[] = [];
    await tar.t({ file: shipped.archivePath, onReadEntry: (e) => void entries.push(e.path) });
    expect(entries).to.include.members(['main.ts', 'lib/helper.ts', 'package.json']);
  });

  it('defaults the driver to 1g and 1 core, unsupervised', async () => {
    const run = await submit('--master', 'fakecluster://c1', '--deploy-mode', 'cluster', '--conf', WITH_CLUSTER_MODE, app);
    expect(run.code, run.stderr).to.equal(0);
    const id = /Submission ID: (\S+)/.exec(run.stdout)![1]!;
    expect(FakeDriverClusterManager.drivers.get(id)!.request).to.deep.include({ supervise: false, driverMemoryMiB: 1024, driverCores: 1 });
  });

  it('--status and --kill go through the same manager and print the state', async () => {
    const submitted = await submit('--master', 'fakecluster://c1', '--deploy-mode', 'cluster', '--conf', WITH_CLUSTER_MODE, app);
    const id = /Submission ID: (\S+)/.exec(submitted.stdout)![1]!;
    const status = await submit('--master', 'fakecluster://c1', '--conf', WITH_CLUSTER_MODE, '--status', id);
    expect(status.code, status.stderr).to.equal(0);
    expect(status.stdout).to.equal(`Submission ${id}: SUBMITTED\n  location: worker-1 (127.0.0.1)\n`);
    const kill = await submit('--master', 'fakecluster://c1', '--conf', WITH_CLUSTER_MODE, '--kill', id);
    expect(kill.code, kill.stderr).to.equal(0);
    expect(kill.stdout).to.equal(`Submission ${id}: KILLED\n  location: worker-1 (127.0.0.1)\n  message:  Kill request for ${id} submitted\n`);
    const after = await submit('--master', 'fakecluster://c1', '--conf', WITH_CLUSTER_MODE, '--status', id);
    expect(after.stdout).to.equal(`Submission ${id}: KILLED\n  location: worker-1 (127.0.0.1)\n`);
    const unknown = await submit('--master', 'fakecluster://c1', '--conf', WITH_CLUSTER_MODE, '--status', 'driver-nope');
    expect(unknown.stdout).to.equal('Submission driver-nope: NOT_FOUND\n  message:  No driver driver-nope on fakecluster://c1\n');
  });

  it("a manager's failure is one line on stderr and a non-zero exit", async () => {
    const run = await submit('--master', 'fakecluster://c1', '--conf', WITH_CLUSTER_MODE, '--kill', 'driver-gone');
    expect(run.code).to.equal(1);
    expect(run.stderr).to.equal('Error: Driver driver-gone has already finished or does not exist\n');
  });

  it('says cluster mode is not implemented for a manager without a DriverSubmitter', async () => {
    const run = await submit('--master', 'fake://2', '--deploy-mode', 'cluster', '--conf', WITHOUT_CLUSTER_MODE, app);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.equal("Error: Cluster deploy mode is not implemented for the fake cluster manager (master 'fake://2') yet; use --deploy-mode client\n");
    expect(run.packed).to.deep.equal([]);
    const kill = await submit('--master', 'fake://2', '--conf', WITHOUT_CLUSTER_MODE, '--kill', 'driver-1');
    expect(kill.code).to.equal(1);
    expect(kill.stderr).to.include("Error: --kill (which needs cluster deploy mode) is not implemented for the fake cluster manager (master 'fake://2') yet");
  });

  it('an unknown master scheme with no manager is one clear line', async () => {
    const run = await submit('--master', 'nothing://x', '--deploy-mode', 'cluster', app);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.equal("Error: Could not parse master URL: 'nothing://x'\n");
  });

  it('--verbose in cluster mode prints the configuration with the secret redacted', async () => {
    const run = await submit('-v', '--master', 'fakecluster://c1', '--deploy-mode', 'cluster', '--conf', WITH_CLUSTER_MODE,
      '--conf', 'kindling.authenticate.secret=hunter2', app);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr).to.match(/deployMode {6}cluster {2}\(flag --deploy-mode\)/);
    expect(run.stderr).to.include('kindling.authenticate.secret=*********(redacted)');
    expect(run.stderr).not.to.include('hunter2');
  });
});
