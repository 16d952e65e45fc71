import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { AUTH_FAILED_MESSAGE, authProof } from './auth-handshake.js';
import { BlockTransferServer } from './block-transfer-server.js';
import { connectRpc } from './connect-rpc.js';
import { AuthenticationError } from './rpc-errors.js';
import { RpcServer } from './rpc-server.js';
import { frameBytes, logSink, rawPeer, recordingProxy, rejectionOf, waitFor, within } from './rpc.test-helper.js';
import type { RpcConnection } from './rpc-connection.js';

const SECRET = 'correct horse battery staple';

describe('rpc/auth-handshake', () => {
  let server: RpcServer;
  let accepted: RpcConnection[];
  let handled: string[];
  let sink: ReturnType<typeof logSink>;

  async function start(secret: string | undefined, authTimeoutMs?: number): Promise<void> {
    server = await RpcServer.listen({
      secret,
      authTimeoutMs,
      log: sink.log,
      onConnection: (conn) => {
        accepted.push(conn);
        conn.onMessage((msg, reply) => {
          handled.push(msg.type);
          reply('ack', {}, msg.body);
        });
      },
    });
  }

  beforeEach(() => {
    accepted = [];
    handled = [];
    sink = logSink();
  });
  afterEach(() => server?.close());

  it('proofs depend on the role, both nonces and the secret', () => {
    const s = randomBytes(32);
    const c = randomBytes(32);
    const base = authProof(SECRET, 'client', s, c);
    expect(base).to.have.length(32);
    expect(authProof(SECRET, 'server', s, c).equals(base)).to.equal(false);
    expect(authProof(SECRET, 'client', c, s).equals(base)).to.equal(false);
    expect(authProof(`${SECRET}!`, 'client', s, c).equals(base)).to.equal(false);
    expect(authProof(SECRET, 'client', s, c).equals(base)).to.equal(true);
  });

  it('connects with the right secret', async () => {
    await start(SECRET);
    const conn = await connectRpc({ host: '127.0.0.1', port: server.port, secret: SECRET });
    const answer = await conn.ask('heartbeat', { executorId: '1', activeTasks: 0 }, Buffer.from('hi'));
    expect(answer.type).to.equal('ack');
    expect(Buffer.from(answer.body!).toString()).to.equal('hi');
    expect(accepted).to.have.length(1);
    conn.close();
  });

  it('refuses a wrong secret on both sides', async () => {
    await start(SECRET);
    const e = await rejectionOf(connectRpc({ host: '127.0.0.1', port: server.port, secret: 'wrong' }));
    expect(e).to.be.instanceOf(AuthenticationError);
    expect(e.message).to.equal(`${AUTH_FAILED_MESSAGE} (server 127.0.0.1:${server.port})`);
    await waitFor(() => sink.lines.length > 0, 'server log');
    expect(sink.lines[0]).to.match(/^Refused RPC connection from 127\.0\.0\.1:\d+: Authentication failed: .* wrong kindling\.authenticate\.secret/);
    expect(accepted).to.have.length(0);
  });

  it('drops a peer that skips the handshake, without delivering its message or reading a block', async () => {
    const gets: string[] = [];
    const blocks = await BlockTransferServer.start({
      secret: SECRET,
      shuffleDir: '/nonexistent',
      blockStore: { get: (id) => (gets.push(id), Buffer.from('secret block')) },
      log: sink.log,
    });
    try {
      const peer = await rawPeer(blocks.port);
      peer.socket.write(frameBytes('fetchBlock', { blockId: 'rdd_1_0' }, undefined, 1));
      await within(2000, peer.closed, 'drop');
      expect(gets).to.deep.equal([]);
      expect(peer.envelopes().map((e) => e.type)).to.deep.equal(['authChallenge']);
      expect(blocks.rpc.connections.size).to.equal(0);
      expect(sink.lines.join('\n')).to.match(/sent 'fetchBlock' before authenticating/);
    } finally {
      await blocks.close();
    }
  });

  it('drops a peer that skips the handshake on a plain RpcServer too', async () => {
    await start(SECRET);
    const peer = await rawPeer(server.port);
    peer.socket.write(frameBytes('heartbeat', { executorId: 'x' }));
    await within(2000, peer.closed, 'drop');
    expect(accepted).to.have.length(0);
    expect(handled).to.deep.equal([]);
  });

  it('drops an unauthenticated peer that announces a large frame', async () => {
    await start(SECRET);
    const peer = await rawPeer(server.port);
    const prefix = Buffer.alloc(8);
    prefix.writeUInt32BE(1024 * 1024, 0);
    peer.socket.write(prefix);
    await within(2000, peer.closed, 'drop');
    expect(sink.lines.join('\n')).to.match(/Frame of 1048576 bytes exceeds/);
  });

  it('drops a silent peer when the handshake times out', async () => {
    await start(SECRET, 200);
    const started = Date.now();
    const peer = await rawPeer(server.port);
    await within(3000, peer.closed, 'timeout drop');
    expect(Date.now() - started).to.be.at.least(150);
    expect(sink.lines.join('\n')).to.match(/did not complete within 200 ms/);
    expect(accepted).to.have.length(0);
  });

  it('fails clearly when the client has a secret and the server has none', async () => {
    await start(undefined);
    const e = await rejectionOf(connectRpc({ host: '127.0.0.1', port: server.port, secret: SECRET }));
    expect(e).to.be.instanceOf(AuthenticationError);
    expect(e.message).to.match(/^Server did not request authentication but kindling\.authenticate is on/);
  });

  it('fails clearly when the server has a secret and the client has none', async () => {
    await start(SECRET);
    const e = await rejectionOf(connectRpc({ host: '127.0.0.1', port: server.port }));
    expect(e).to.be.instanceOf(AuthenticationError);
    expect(e.message).to.match(/requires authentication but kindling\.authenticate is off/);
  });

  it('works without a secret on either side', async () => {
    await start(undefined);
    const conn = await connectRpc({ host: '127.0.0.1', port: server.port });
    expect((await conn.ask('fetchBroadcast', { broadcastId: 1 })).type).to.equal('ack');
    conn.close();
  });

  it('never puts the secret on the wire', async () => {
    await start(SECRET);
    const proxy = await recordingProxy(server.port);
    try {
      const conn = await connectRpc({ host: '127.0.0.1', port: proxy.port, secret: SECRET });
      await conn.ask('heartbeat', { executorId: '1' }, Buffer.from('payload'));
      conn.close();
      await conn.whenClosed;
      const wrong = 'the wrong secret';
      await rejectionOf(connectRpc({ host: '127.0.0.1', port: proxy.port, secret: wrong }));
      const wire = proxy.bytes();
      expect(wire.length).to.be.above(200);
      expect(wire.includes(Buffer.from('payload'))).to.equal(true); // the capture does see traffic
      expect(wire.includes(Buffer.from(SECRET))).to.equal(false);
      expect(wire.includes(Buffer.from(wrong))).to.equal(false);
    } finally {
      await proxy.close();
    }
  });
});
