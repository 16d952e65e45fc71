import { expect } from 'chai';
import zookeeper from 'node-zookeeper-client';
import { ZooKeeperMasterDetector, type HostPort } from '@kindling/cluster-manager-mesos';
import { useZooKeeper } from '../helpers/zookeeper-server.test-helper.js';
import { connectZooKeeper, publishMaster } from './mesos-zookeeper.test-helper.js';

describe('Mesos leader detection from a REAL ZooKeeper (mesos://zk://)', function () {
  this.timeout(60_000);
  const zk = useZooKeeper();

  it('waits for a master, follows the lowest json.info_ sequence, ignores other children, and follows a leader that goes away', async () => {
    const path = '/mesos-detect-1';
    const detector = new ZooKeeperMasterDetector(zk.server.connectString, path, { sessionTimeoutMs: 6000, leaderTimeoutMs: 30_000 });
    const changes: HostPort[] = [];
    detector.onChange((l) => changes.push(l));
    // No master yet (not even the path): leader() waits.
    const first = detector.leader();
    const masterA = await connectZooKeeper(zk.server.connectString);
    const masterB = await connectZooKeeper(zk.server.connectString);
    const other = await connectZooKeeper(zk.server.connectString);
    try {
      await publishMaster(masterA, path, { id: 'a', hostname: 'master-a', port: 5050 });
      expect(await first).to.deep.equal({ host: 'master-a', port: 5050 });
      await publishMaster(masterB, path, { id: 'b', hostname: 'master-b', port: 5051 });
      // Replicated-log nodes live under the same path; they are not masters.
      await new Promise<void>((res, rej) =>
        other.create(`${path}/log_replicas`, zookeeper.CreateMode.PERSISTENT, (e) => (e ? rej(e) : res())),
      );
      expect(await detector.leader()).to.deep.equal({ host: 'master-a', port: 5050 });
      // The leader's session ends (its process died): its ephemeral node goes, B leads.
      masterA.close();
      const deadline = Date.now() + 20_000;
      while (!changes.some((c) => c.host === 'master-b') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(changes).to.deep.equal([
        { host: 'master-a', port: 5050 },
        { host: 'master-b', port: 5051 },
      ]);
      expect(await detector.leader()).to.deep.equal({ host: 'master-b', port: 5051 });
    } finally {
      masterB.close();
      other.close();
      await detector.close();
    }
  });

  it('fails leader() with a clear error when no master registers in time', async () => {
    const detector = new ZooKeeperMasterDetector(zk.server.connectString, '/nobody-here', { leaderTimeoutMs: 1500 });
    try {
      const e = await detector.leader().catch((x: unknown) => x);
      expect((e as Error).message).to.match(/No leading Mesos master found in ZooKeeper 127\.0\.0\.1:\d+ under \/nobody-here within 1500 ms/);
    } finally {
      await detector.close();
    }
  });
});
