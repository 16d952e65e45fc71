import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KindlingConf, packApplication, type AppPackage } from '@kindling/core/cluster-manager';
import { Master } from './master.js';
import { startWorker, waitFor, type Daemon } from './standalone-cluster.test-helper.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const DRIVER = fileURLToPath(new URL('../testdata/cluster-driver.mjs', import.meta.url));
const quiet = () => {};

describe('standalone REST submission server (Spark protocol v1)', function () {
  this.timeout(180_000);
  let master: Master;
  let worker: Daemon;
  let pkg: AppPackage;
  let dir: string;
  let base: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-rest-'));
    master = await Master.start({ port: 0, conf: new KindlingConf({ 'kindling.master.rest.enabled': true, 'kindling.master.rest.port': 0 }), log: quiet });
    base = `http://127.0.0.1:${master.restPort}/v1/submissions`;
    worker = await startWorker(master.url, path.join(dir, 'work'), {});
    pkg = await packApplication({ appRoot: REPO, entry: DRIVER, cacheDir: path.join(os.tmpdir(), 'kindling-standalone-test-package-cache') });
  });
  after(async () => {
    await worker?.stop();
    await master?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const post = async (url: string, body: unknown, headers: Record<string, string> = {}) => {
    const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  const request = (props: Record<string, string>, extra: Record<string, unknown> = {}) => ({
    action: 'CreateSubmissionRequest',
    appResource: pkg.archivePath,
    mainClass: pkg.entry,
    appArgs: [path.join(dir, 'rest-out.json')],
    sparkProperties: { 'kindling.app.name': 'rest-app', 'kindling.executor.memory': '256m', 'kindling.driver.memory': '512m', ...props },
    environmentVariables: {},
    clientSparkVersion: '4.0.0',
    ...extra,
  });

  it('is off unless kindling.master.rest.enabled=true', async () => {
    const plain = await Master.start({ port: 0, log: quiet });
    try {
      expect(plain.restPort).to.equal(undefined);
    } finally {
      await plain.stop();
    }
  });

  it('creates a submission, reports its status until FINISHED, and names unknown fields', async () => {
    const created = await post(`${base}/create`, request({}, { futureField: 1 }));
    expect(created.status).to.equal(200);
    expect(created.body).to.include({ action: 'CreateSubmissionResponse', success: true, serverSparkVersion: '0.1.0' });
    const id = String(created.body['submissionId']);
    expect(id).to.match(/^driver-\d{14}-\d{4}$/);
    expect(created.body['message']).to.equal(`Driver successfully submitted as ${id}`);
    expect(created.body['unknownFields']).to.deep.equal(['futureField']);
    let status: Record<string, unknown> = {};
    await waitFor(async () => {
      status = (await (await fetch(`${base}/status/${id}`)).json()) as Record<string, unknown>;
      return ['FINISHED', 'FAILED', 'ERROR'].includes(String(status['driverState']));
    }, 120_000, 'the REST-submitted driver to end');
    expect(status).to.include({ action: 'SubmissionStatusResponse', submissionId: id, success: true, driverState: 'FINISHED' });
    expect(status['workerHostPort']).to.equal('127.0.0.1');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'rest-out.json'), 'utf8'))['to']).to.equal(4);
    const kill = await post(`${base}/kill/driver-20000101000000-0000`, {});
    expect(kill.body).to.include({ action: 'KillSubmissionResponse', success: false, submissionId: 'driver-20000101000000-0000' });
  });

  it("answers Spark's error messages and codes", async () => {
    const v2 = await fetch(`http://127.0.0.1:${master.restPort}/v2/submissions/status/x`);
    expect(v2.status).to.equal(468);
    const e = (await v2.json()) as Record<string, unknown>;
    expect(e).to.include({ action: 'ErrorResponse', highestProtocolVersion: 'v1' });
    expect(e['message']).to.equal("Unknown protocol version 'v2'. Please submit requests through http://[host]:[port]/v1/submissions/...");
    expect((await post(`${base}/create`, '{not json')).body['message']).to.match(/^Malformed request: /);
    const noProps = await post(`${base}/create`, { ...request({}), sparkProperties: undefined });
    expect([noProps.status, noProps.body['message']]).to.deep.equal([400, 'Malformed request: No Spark properties set!']);
    const bad = await post(`${base}/create`, request({ 'kindling.driver.supervise': 'maybe' }));
    expect(bad.body['message']).to.equal("Malformed request: Property 'kindling.driver.supervise' expected boolean value: actual was 'maybe'.");
    expect((await fetch(`http://127.0.0.1:${master.restPort}/`)).status).to.equal(400);
    const noAction = await fetch(`${base}/nope`);
    expect(((await noAction.json()) as Record<string, unknown>)['message']).to.match(/^Missing an action: please specify one of \/create, \/kill, or \/status\./);
    expect(((await (await fetch(`${base}/status/`)).json()) as Record<string, unknown>)['message']).to.equal('Submission ID is missing in status request.');
  });

  it('requires the secret when kindling.authenticate=true', async () => {
    const secure = await Master.start({
      port: 0,
      conf: new KindlingConf({ 'kindling.master.rest.enabled': true, 'kindling.master.rest.port': 0, 'kindling.authenticate': true, 'kindling.authenticate.secret': 'rest-secret' }),
      log: quiet,
    });
    try {
      const url = `http://127.0.0.1:${secure.restPort}/v1/submissions`;
      const anonymous = await post(`${url}/create`, request({}));
      expect(anonymous.status).to.equal(401);
      expect((await post(`${url}/create`, request({}), { Authorization: 'Bearer wrong' })).status).to.equal(401);
      const ok = await fetch(`${url}/status/driver-x`, { headers: { Authorization: 'Bearer rest-secret' } });
      expect(ok.status).to.equal(200);
      expect(((await ok.json()) as Record<string, unknown>)['success']).to.equal(false);
    } finally {
      await secure.stop();
    }
  });
});
