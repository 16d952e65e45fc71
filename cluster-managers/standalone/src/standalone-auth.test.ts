import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { AuthenticationError, connectRpc, RpcConnectionError } from '@kindling/core/cluster-manager';
import { KindlingContext } from '@kindling/core';
import { masterState, startCluster, startWorker, type TestCluster } from './standalone-cluster.test-helper.js';

const SECRET = 'standalone-test-secret';

/** Connecting without (or with a wrong) secret must fail in the handshake, before any message. */
async function expectRefused(host: string, port: number, secret: string | undefined): Promise<void> {
  let error: unknown;
  try {
    const conn = await connectRpc({ host, port, secret, timeoutMs: 5000, authTimeoutMs: 5000 });
    // Some refusals only show as the server closing the connection: an ask must then fail.
    await conn.ask('kindling.standalone.RequestMasterState', {}, undefined, 5000);
    conn.close();
  } catch (e) {
    error = e;
  }
  expect(error, `${host}:${port} accepted a caller with secret ${secret ?? '(none)'}`).to.be.instanceOf(Error);
  expect(error instanceof AuthenticationError || error instanceof RpcConnectionError, String(error)).to.equal(true);
}

describe('standalone with kindling.authenticate=true', function () {
  this.timeout(120_000);
  let cluster: TestCluster;

  before(async () => {
    cluster = await startCluster({ workers: 1, conf: { 'kindling.authenticate': 'true' }, env: { KINDLING_AUTH_SECRET: SECRET } });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('the master refuses callers without the secret: no worker or app registration, no state', async () => {
    const port = Number(cluster.masterUrl.split(':').pop());
    await expectRefused('127.0.0.1', port, undefined);
    await expectRefused('127.0.0.1', port, 'wrong-secret');
    // A worker started with the wrong secret never registers.
    const intruder = startWorker(cluster.masterUrl, `${cluster.workDir}/intruder`, { 'kindling.authenticate': 'true' }, {}, { KINDLING_AUTH_SECRET: 'wrong' });
    const outcome = await Promise.race([intruder.then(() => 'registered'), new Promise((r) => setTimeout(() => r('refused'), 4000))]);
    expect(outcome).to.equal('refused');
    expect((await masterState(cluster.masterUrl, SECRET)).aliveworkers).to.equal(1);
    intruder.then((w) => w.stop(), () => undefined);
    // It keeps retrying (and being refused); end it (it is our child).
    for (const line of execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' }).split('\n')) {
      if (line.includes('intruder')) process.kill(Number(line.trim().split(/\s+/)[0]), 'SIGKILL');
    }
    // An application without the secret cannot register.
    let error: unknown;
    try {
      const kc = await KindlingContext.create({ master: cluster.masterUrl, appName: 'no-secret', conf: { 'kindling.executor.memory': '256m' } });
      await kc.stop();
    } catch (e) {
      error = e;
    }
    expect(String(error)).to.match(/All masters are unresponsive! Giving up/);
    expect((await masterState(cluster.masterUrl, SECRET)).activeapps).to.have.length(0);
  });

  it('the web UIs refuse requests without the secret', async () => {
    const basic = (password: string) => ({ Authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` });
    expect((await fetch(`${cluster.masterWebUi}/json`)).status).to.equal(401);
    expect((await fetch(`${cluster.masterWebUi}/json`, { headers: basic('wrong') })).status).to.equal(401);
    const ok = await fetch(`${cluster.masterWebUi}/json`, { headers: basic(SECRET) });
    expect(ok.status).to.equal(200);
    const workerUi = ((await ok.json()) as { workers: Array<{ webuiaddress: string }> }).workers[0]!.webuiaddress;
    expect((await fetch(`${workerUi}/`)).status).to.equal(401);
    expect((await fetch(`${workerUi}/`, { headers: basic(SECRET) })).status).to.equal(200);
  });

  it('runs an app with the secret, and its driver and executors refuse callers without it', async () => {
    const kc = await KindlingContext.create({
      master: cluster.masterUrl,
      appName: 'with-secret',
      conf: { 'kindling.authenticate': 'true', 'kindling.authenticate.secret': SECRET, 'kindling.executor.memory': '256m' },
    });
    try {
      expect(await kc.parallelize([1, 2, 3, 4], 2).map((x) => [x % 2, x] as [number, number]).reduceByKey((a, b) => a + b).count()).to.equal(2);
      const [executor] = cluster.executors();
      expect(executor, 'an executor runs').to.not.equal(undefined);
      const driver = new URL(executor!.driverUrl.replace(/^kindling:/, 'http:'));
      await expectRefused(driver.hostname, Number(driver.port), undefined);
      await expectRefused(driver.hostname, Number(driver.port), 'wrong-secret');
    } finally {
      await kc.stop();
    }
  });
});
