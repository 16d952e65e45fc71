import * as fs from 'node:fs';
import { expect } from 'chai';
import zookeeper from 'node-zookeeper-client';
import { startZooKeeper, useZooKeeper } from './helpers/zookeeper-server.test-helper.js';

describe('ZooKeeper test helper (a real server from Debian zookeeper)', function () {
  this.timeout(60_000);
  const fixture = useZooKeeper();

  it('serves clients on 127.0.0.1 at its free port: create, read back, ephemeral sequential nodes', async () => {
    expect(fixture.server.connectString).to.equal(`127.0.0.1:${fixture.server.port}`);
    expect(fs.existsSync(fixture.server.dataDir)).to.equal(true);
    const client = zookeeper.createClient(fixture.server.connectString, { sessionTimeout: 10_000 });
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
    expect(other.port).to.not.equal(fixture.server.port);
    await other.stop();
    expect(fs.existsSync(other.dataDir)).to.equal(false);
    await other.stop(); // idempotent
  });
});
