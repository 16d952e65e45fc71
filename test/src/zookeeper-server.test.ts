import * as fs from 'node:fs';
import { expect } from 'chai';
import zookeeper from 'node-zookeeper-client';
import { startZooKeeper, zooKeeperAvailable, ZOOKEEPER_UNAVAILABLE_REASON, type ZooKeeperServer } from './helpers/zookeeper-server.test-helper.js';

describe('ZooKeeper test helper (a real server from Debian zookeeper)', function () {
  this.timeout(60_000);
  let zk: ZooKeeperServer | undefined;

  before(async function () {
    if (!zooKeeperAvailable()) {
      console.warn(`    skipped: ${ZOOKEEPER_UNAVAILABLE_REASON}`);
      this.skip();
    }
    zk = await startZooKeeper();
  });
  after(async () => zk?.stop());

  it('serves clients on 127.0.0.1 at its free port: create, read back, ephemeral sequential nodes', async () => {
    expect(zk!.connectString).to.equal(`127.0.0.1:${zk!.port}`);
    expect(fs.existsSync(zk!.dataDir)).to.equal(true);
    const client = zookeeper.createClient(zk!.connectString, { sessionTimeout: 10_000 });
    await new Promise<void>((resolve) => {
      client.once('connected', () => resolve());
      client.connect();
    });
    try {
      const created = await new Promise<string>((resolve, reject) =>
        client.create('/kindling-test', Buffer.from('hello'), zookeeper.CreateMode.PERSISTENT, (e, p) => (e ? reject(e) : resolve(p))),
      );
      expect(created).to.equal('/kindling-test');
      const seq = await new Promise<string>((resolve, reject) =>
        client.create('/kindling-test/n_', Buffer.from('x'), zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL, (e, p) => (e ? reject(e) : resolve(p))),
      );
      expect(seq).to.match(/^\/kindling-test\/n_\d{10}$/);
      const data = await new Promise<Buffer>((resolve, reject) => client.getData('/kindling-test', (e, d) => (e ? reject(e) : resolve(d))));
      expect(data.toString()).to.equal('hello');
    } finally {
      client.close();
    }
  });

  it('stop() ends the server and removes its data dir', async () => {
    const other = await startZooKeeper();
    expect(other.port).to.not.equal(zk!.port);
    await other.stop();
    expect(fs.existsSync(other.dataDir)).to.equal(false);
    await other.stop(); // idempotent
  });
});
