import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KindlingContext } from '@kindling/core';
import { startZooKeeper, zooKeeperAvailable, type ZooKeeperServer } from '../helpers/zookeeper-server.test-helper.js';
import {
  isAlive,
  masterState,
  startMaster,
  startWorker,
  waitFor,
  executorChildren,
  type Daemon,
} from '../../../cluster-managers/standalone/dist/standalone-cluster.test-helper.js';

// Two masters elect a leader through a real ZooKeeper; the leader is killed while an app runs.
describe('standalone high availability (kindling.deploy.recoveryMode=ZOOKEEPER, real ZooKeeper)', function () {
  this.timeout(180_000);
  let zk: ZooKeeperServer | undefined;
  const daemons: Daemon[] = [];
  let workDir: string;

  before(async function () {
    if (!zooKeeperAvailable()) {
      console.warn("SKIP: Debian's zookeeper package is not installed (.ci/run installs it: apt-get install zookeeper)");
      this.skip();
    }
    zk = await startZooKeeper();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-standalone-ha-'));
  });
  after(async () => {
    await Promise.all(daemons.map((d) => d.stop()));
    await zk?.stop();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('the standby takes over when the leader is killed; workers, the app and its job carry on', async () => {
    const conf = {
      'kindling.deploy.recoveryMode': 'ZOOKEEPER',
      'kindling.deploy.zookeeper.url': zk!.connectString,
      'kindling.deploy.zookeeper.dir': `/kindling-test-${process.pid}`,
      'kindling.deploy.zookeeper.sessionTimeout': '4s',
      'kindling.worker.timeout': '6s',
    };
    const a = await startMaster(conf);
    daemons.push(a.daemon);
    await waitFor(async () => (await masterState(a.url)).status === 'ALIVE', 20_000, 'the first master to lead');
    const b = await startMaster(conf);
    daemons.push(b.daemon);
    expect((await masterState(b.url)).status).to.equal('STANDBY');
    const url = `spark://${a.url.slice('spark://'.length)},${b.url.slice('spark://'.length)}`;
    for (let i = 0; i < 2; i++) daemons.push(await startWorker(url, path.join(workDir, `w${i}`), conf));
    const workerPids = daemons.slice(2).map((d) => d.pid);

    const kc = await KindlingContext.create({ master: url, appName: 'ha', conf: { 'kindling.executor.cores': '1', 'kindling.executor.memory': '256m' } });
    try {
      await waitFor(() => kc.executorInfos().length === 4, 30_000, '4 executors');
      const pids = executorChildren(workerPids).map((e) => e.pid).sort();
      const job = kc
        .parallelize(Array.from({ length: 300 }, (_, i) => i), 12)
        .map((x) => {
          const until = Date.now() + 40;
          while (Date.now() < until);
          return [x % 3, 1] as [number, number];
        })
        .reduceByKey((x, y) => x + y)
        .collect();
      a.daemon.child.kill('SIGKILL');
      expect((await job).sort((x, y) => x[0] - y[0])).to.deep.equal([[0, 100], [1, 100], [2, 100]]);
      await waitFor(async () => (await masterState(b.url)).status === 'ALIVE', 60_000, 'the standby to take over');
      await waitFor(async () => (await masterState(b.url)).aliveworkers === 2, 30_000, 'the workers to move to the new leader');
      await waitFor(async () => (await masterState(b.url)).activeapps.length === 1, 30_000, 'the app to move to the new leader');
      const s = await masterState(b.url);
      expect(s.activeapps[0]!.cores).to.equal(4);
      expect(executorChildren(workerPids).map((e) => e.pid).sort()).to.deep.equal(pids);
      for (const pid of pids) expect(isAlive(pid)).to.equal(true);
      // The new leader schedules: a killed executor is replaced on request.
      expect(await kc.killExecutors([kc.executorInfos()[0]!.executorId])).to.equal(true);
      await waitFor(() => kc.executorInfos().length === 3, 20_000, 'the executor to go');
      expect(await kc.requestTotalExecutors(4)).to.equal(true);
      await waitFor(() => kc.executorInfos().length === 4, 20_000, 'a replacement from the new leader');
      expect(await kc.parallelize([1, 2, 3], 3).count()).to.equal(3);
    } finally {
      await kc.stop();
    }
  });
});
