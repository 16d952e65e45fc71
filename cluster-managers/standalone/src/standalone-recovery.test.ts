import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KindlingContext } from '@kindling/core';
import { isAlive, masterState, startCluster, startMaster, waitFor, type Daemon, type TestCluster } from './standalone-cluster.test-helper.js';

describe('standalone master recovery (kindling.deploy.recoveryMode=FILESYSTEM)', function () {
  this.timeout(120_000);
  let cluster: TestCluster;
  let recoveryDir: string;
  let restarted: Daemon | undefined;

  before(async () => {
    recoveryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-recovery-'));
    cluster = await startCluster({
      workers: 2,
      conf: { 'kindling.deploy.recoveryMode': 'FILESYSTEM', 'kindling.deploy.recoveryDirectory': recoveryDir, 'kindling.worker.timeout': '6s', 'kindling.deploy.recoveryTimeout': '60s' },
    });
  });
  after(async () => {
    await restarted?.stop();
    await cluster?.stop();
    fs.rmSync(recoveryDir, { recursive: true, force: true });
  });

  it('a master killed with kill -9 and restarted takes back its workers and the running app; executors are not killed', async () => {
    const kc = await KindlingContext.create({
      master: cluster.masterUrl,
      appName: 'survives-master-restart',
      conf: { 'kindling.executor.cores': '1', 'kindling.executor.memory': '256m' },
    });
    try {
      await waitFor(() => kc.executorInfos().length === 4, 30_000, '4 executors');
      const before = await masterState(cluster.masterUrl);
      const appId = before.activeapps[0]!.id;
      const pids = cluster.executors().map((e) => e.pid).sort();
      expect(fs.readdirSync(recoveryDir).filter((f) => f.endsWith('.json')).sort()).to.deep.equal([`app_${appId}.json`, ...before.workers.map((w) => `worker_${w.id}.json`).sort()]);
      // A job runs while the master dies and comes back.
      const job = kc
        .parallelize(Array.from({ length: 400 }, (_, i) => i), 16)
        .map((x) => {
          const until = Date.now() + 25;
          while (Date.now() < until);
          return [x % 4, 1] as [number, number];
        })
        .reduceByKey((a, b) => a + b)
        .collect();
      cluster.master.child.kill('SIGKILL');
      await cluster.master.exited;
      const port = Number(cluster.masterUrl.split(':').pop());
      restarted = (await startMaster(cluster.conf, {}, port)).daemon;
      expect((await job).sort((a, b) => a[0] - b[0])).to.deep.equal([[0, 100], [1, 100], [2, 100], [3, 100]]);
      // Recovery completes as soon as both workers and the driver are back (well before the timeout).
      await waitFor(async () => (await masterState(cluster.masterUrl)).status === 'ALIVE', 50_000, 'the new master to finish recovery');
      const after = await masterState(cluster.masterUrl);
      expect(after.aliveworkers).to.equal(2);
      expect(after.activeapps.map((a) => [a.id, a.state, a.cores])).to.deep.equal([[appId, 'RUNNING', 4]]);
      expect(restarted.output()).to.match(/Recovering 1 application\(s\) and 2 worker\(s\)/);
      // The same executor processes, never restarted.
      expect(cluster.executors().map((e) => e.pid).sort()).to.deep.equal(pids);
      for (const pid of pids) expect(isAlive(pid)).to.equal(true);
      expect(kc.executorInfos()).to.have.length(4);
      // The recovered master still grants executors: kill one, ask for it back.
      const victim = kc.executorInfos()[0]!.executorId;
      expect(await kc.killExecutors([victim])).to.equal(true);
      await waitFor(() => kc.executorInfos().length === 3, 20_000, 'the killed executor to go');
      expect(await kc.requestTotalExecutors(4)).to.equal(true);
      await waitFor(() => kc.executorInfos().length === 4, 20_000, 'a replacement from the recovered master');
      expect(await kc.parallelize([1, 2, 3, 4], 4).count()).to.equal(4);
    } finally {
      await kc.stop();
    }
    await waitFor(() => !fs.readdirSync(recoveryDir).some((f) => f.startsWith('app_')), 10_000, 'the finished app\'s record to go');
  });
});
