import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KindlingConf, packApplication, type AppPackage, type DriverStatus } from '@kindling/core/cluster-manager';
import { StandaloneClusterManager } from './standalone-cluster-manager.js';
import { masterState, startCluster, waitFor, type TestCluster } from './standalone-cluster.test-helper.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const DRIVER = fileURLToPath(new URL('../testdata/cluster-driver.mjs', import.meta.url));

// Cluster deploy mode through core's DriverSubmitter port (kindling-submit --deploy-mode cluster uses it).
describe('standalone cluster deploy mode (DriverSubmitter)', function () {
  this.timeout(180_000);
  let cluster: TestCluster;
  let pkg: AppPackage;
  let outDir: string;
  const submitter = () => new StandaloneClusterManager().driverSubmitter(cluster.masterUrl, new KindlingConf());
  const submit = (args: string[], supervise = false) =>
    submitter().submit({
      masterUrl: cluster.masterUrl,
      appName: 'cluster-mode',
      conf: { 'kindling.executor.memory': '256m', 'kindling.executor.cores': '1' },
      appPackage: pkg,
      appArgs: args,
      supervise,
      driverMemoryMiB: 512,
      driverCores: 1,
    });
  const until = async (id: string, states: string[]): Promise<DriverStatus> => {
    let last: DriverStatus | undefined;
    await waitFor(async () => states.includes((last = await submitter().status(id)).state), 90_000, `driver ${id} to reach ${states.join('/')}`);
    return last!;
  };

  before(async () => {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-cluster-mode-'));
    cluster = await startCluster({ workers: 2 });
    pkg = await packApplication({ appRoot: REPO, entry: DRIVER, cacheDir: path.join(os.tmpdir(), 'kindling-standalone-test-package-cache') });
  });
  after(async () => {
    await cluster?.stop();
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('runs the driver on a worker from the uploaded package, and keeps its stdout and stderr', async () => {
    const out = path.join(outDir, 'wc.json');
    const submission = await submit([out]);
    expect(submission.submissionId).to.match(/^driver-\d{14}-\d{4}$/);
    expect(submission.message).to.equal(`Driver successfully submitted as ${submission.submissionId}`);
    const status = await until(submission.submissionId, ['FINISHED', 'FAILED', 'ERROR']);
    expect(status.state, status.message).to.equal('FINISHED');
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))).to.deep.equal({ be: 3, do: 1, is: 2, not: 1, or: 1, question: 1, that: 1, the: 1, to: 4 });
    const logs = fs.readdirSync(cluster.workDir).map((w) => path.join(cluster.workDir, w, submission.submissionId)).filter((d) => fs.existsSync(d));
    expect(logs).to.have.length(1);
    expect(fs.readFileSync(path.join(logs[0]!, 'stdout'), 'utf8')).to.match(/driver starting in .*packages.*\n[\s\S]*driver done/);
    const state = await masterState(cluster.masterUrl);
    expect(state.completeddrivers.map((d) => [d.id, d.state])).to.deep.include([submission.submissionId, 'FINISHED']);
    expect(state.completedapps.some((a) => a.name === 'cluster-mode')).to.equal(true);
    // The master's page links to the driver's stdout on its worker.
    const html = await (await fetch(`${cluster.masterWebUi}/`)).text();
    const href = new RegExp(`href="([^"]*/logPage/\\?driverId=${submission.submissionId}&amp;logType=stdout)"`).exec(html)?.[1];
    expect(href, 'a driver log link').to.be.a('string');
    const log = await (await fetch(href!.replace(/&amp;/g, '&').replace('/logPage/', '/log'))).text();
    expect(log).to.match(/driver done/);
  });

  it('--supervise restarts a driver that exits non-zero', async () => {
    const out = path.join(outDir, 'supervised.json');
    const { submissionId } = await submit([out, 'once-fails'], true);
    const status = await until(submissionId, ['FINISHED', 'FAILED', 'ERROR']);
    expect(status.state, status.message).to.equal('FINISHED');
    expect(fs.existsSync(`${out}.failed-once`)).to.equal(true);
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))['to']).to.equal(4);
  });

  it('without --supervise a failing driver ends FAILED; status of an unknown id says so', async () => {
    const out = path.join(outDir, 'unsupervised.json');
    const { submissionId } = await submit([out, 'once-fails'], false);
    const status = await until(submissionId, ['FINISHED', 'FAILED', 'ERROR']);
    expect(status.state).to.equal('FAILED');
    expect(status.message).to.equal('Driver exited with code 3');
    expect((await submitter().status('driver-20000101000000-9999')).state).to.equal('UNKNOWN');
  });

  it('kills a running driver', async () => {
    const out = path.join(outDir, 'killed.json');
    const { submissionId } = await submit([out, 'wait']);
    await waitFor(() => fs.existsSync(`${out}.started`), 60_000, 'the driver to start');
    const pid = Number(fs.readFileSync(`${out}.started`, 'utf8'));
    const answer = await submitter().kill(submissionId);
    expect(answer.message).to.equal(`Kill request for ${submissionId} submitted`);
    const status = await until(submissionId, ['KILLED']);
    expect(status.state).to.equal('KILLED');
    expect(() => process.kill(pid, 0)).to.throw();
  });
});
