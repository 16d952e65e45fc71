import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RemoteError } from '@kindling/core/cluster-manager';
import { connectRpc } from '@kindling/core/internal/rpc/connect-rpc';
import { redactPaths } from '@kindling/core/internal/rpc/remote-safe-error';
import { RpcServer } from '@kindling/core/internal/rpc/rpc-server';

describe('error replies to a remote peer', function () {
  this.timeout(30_000);

  it('name the error and the problem, but no absolute local path', async () => {
    const here = path.resolve('.');
    const logged: string[] = [];
    const server = await RpcServer.listen({
      secret: 'k',
      log: (m) => logged.push(m),
      onConnection: (conn) =>
        conn.onMessage(() => {
          fs.readFileSync(path.join(here, 'no-such-dir', 'shuffle_0_1_0.data')); // throws ENOENT with the full path
        }),
    });
    const conn = await connectRpc({ host: '127.0.0.1', port: server.port, secret: 'k' });
    try {
      const err = await conn.ask('fetchBlock', { blockId: 'shuffle_0_1_0' }).then(
        () => undefined,
        (e: unknown) => e as RemoteError,
      );
      expect(err).to.be.instanceOf(RemoteError);
      expect(err!.name).to.equal('Error');
      expect(err!.message).to.contain('ENOENT');
      expect(err!.message).to.contain('…/shuffle_0_1_0.data');
      expect(err!.message).to.not.contain(here);
      expect(err!.remoteStack).to.not.contain(here);
      expect(err!.remoteStack).to.not.match(/file:\/\/\//);
    } finally {
      conn.close();
      await server.close();
    }
  });

  it('redactPaths keeps file names, line numbers, URLs and relative paths', () => {
    expect(redactPaths("open '/home/alice/app/data/x.txt'")).to.equal("open '…/x.txt'");
    expect(redactPaths('    at f (file:///srv/app/node_modules/m/index.js:10:5)')).to.equal('    at f (…/index.js:10:5)');
    expect(redactPaths('    at /srv/app/main.js:3:4')).to.equal('    at …/main.js:3:4');
    expect(redactPaths('C:\\Users\\bob\\app\\x.js failed')).to.equal('…/x.js failed');
    expect(redactPaths('see http://host:8080/jobs/1 and lib/x.js')).to.equal('see http://host:8080/jobs/1 and lib/x.js');
    expect(redactPaths('Task 3/4 failed')).to.equal('Task 3/4 failed');
  });
});
