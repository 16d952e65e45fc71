import { expect } from 'chai';
import { BlockError, ProtocolError } from '../errors.js';
import { connectRpc } from './connect-rpc.js';
import type { RpcConnection } from './rpc-connection.js';
import { RemoteError, RpcConnectionError, RpcTimeoutError } from './rpc-errors.js';
import { RpcServer } from './rpc-server.js';
import { logSink, rejectionOf, sleep, waitFor } from './rpc.test-helper.js';
import type { Reply, RpcMessage } from './rpc-types.js';

type Handler = (msg: RpcMessage, reply: Reply, conn: RpcConnection) => void | Promise<void>;

describe('rpc/rpc-connection', () => {
  let server: RpcServer;
  let serverConns: RpcConnection[];
  let handler: Handler;
  let sink: ReturnType<typeof logSink>;
  const clients: RpcConnection[] = [];

  beforeEach(async () => {
    serverConns = [];
    sink = logSink();
    handler = (msg, reply) => reply('ack', {}, msg.body);
    server = await RpcServer.listen({
      maxFrameBytes: 1024 * 1024,
      log: sink.log,
      onConnection: (conn) => {
        serverConns.push(conn);
        conn.onMessage((msg, reply) => handler(msg, reply, conn));
      },
    });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await server.close();
  });

  async function client(opts: { askTimeoutMs?: number } = {}): Promise<RpcConnection> {
    const conn = await connectRpc({ host: '127.0.0.1', port: server.port, maxFrameBytes: 1024 * 1024, ...opts });
    clients.push(conn);
    return conn;
  }

  it('binds loopback by default and answers asks, matching replies to requests', async () => {
    expect(server.host).to.equal('127.0.0.1');
    handler = async (msg, reply) => {
      await sleep(Number(msg.payload['binaryId']) % 3); // replies come back out of order
      reply('ack', {}, Buffer.from(`bin-${String(msg.payload['binaryId'])}`));
    };
    const conn = await client();
    expect(conn.remoteAddress).to.equal(`127.0.0.1:${server.port}`);
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => conn.ask('fetchTaskBinary', { binaryId: i })));
    expect(answers.map((a) => Buffer.from(a.body!).toString())).to.deep.equal(Array.from({ length: 50 }, (_, i) => `bin-${i}`));
  });

  it('delivers one-way messages in order, both ways, and queues those sent before onMessage', async () => {
    const got: number[] = [];
    handler = (msg, _reply, conn) => {
      got.push(Number(msg.payload['activeTasks']));
      if (got.length === 3) conn.send('stopExecutor', { reason: 'done' });
    };
    const conn = await client();
    for (let i = 0; i < 3; i++) conn.send('heartbeat', { executorId: '1', activeTasks: i });
    await waitFor(() => got.length === 3, 'server receives');
    await sleep(20); // the stopExecutor has arrived before the client registers a handler
    const received: RpcMessage[] = [];
    conn.onMessage((msg) => void received.push(msg));
    expect(got).to.deep.equal([0, 1, 2]);
    expect(received.map((m) => [m.type, m.payload['reason']])).to.deep.equal([['stopExecutor', 'done']]);
  });

  it('propagates a thrown error as the remote name and message', async () => {
    handler = () => {
      throw new BlockError('no such block');
    };
    const conn = await client();
    const e = await rejectionOf(conn.ask('fetchBlock', { blockId: 'rdd_1_1' }));
    expect(e).to.be.instanceOf(RemoteError);
    expect(e.name).to.equal('BlockError');
    expect(e.message).to.equal('no such block');
    expect((e as RemoteError).remoteStack).to.match(/^BlockError: no such block/);
    expect(e.stack).to.include(`<remote peer 127.0.0.1:${server.port}>`);
  });

  it('propagates a rejected promise, and a non-Error rejection', async () => {
    const conn = await client();
    handler = async () => {
      await sleep(1);
      throw new TypeError('bad input');
    };
    const e = await rejectionOf(conn.ask('heartbeat', {}));
    expect([e.name, e.message]).to.deep.equal(['TypeError', 'bad input']);
    handler = () => Promise.reject('plain string');
    const e2 = await rejectionOf(conn.ask('heartbeat', {}));
    expect([e2.name, e2.message]).to.deep.equal(['Error', 'plain string']);
  });

  it('turns a reply too large to send into an error reply', async () => {
    handler = (_msg, reply) => reply('ack', {}, Buffer.alloc(2 * 1024 * 1024));
    const conn = await client();
    const e = await rejectionOf(conn.ask('fetchBroadcast', { broadcastId: 1 }));
    expect(e.name).to.equal('ProtocolError');
    expect(e.message).to.match(/^Frame of \d+ bytes exceeds kindling\.rpc\.message\.maxSize \(1048576 bytes\)/);
  });

  it('throws ProtocolError from send when the frame is over the limit', async () => {
    const conn = await client();
    expect(() => conn.send('heartbeat', {}, Buffer.alloc(2 * 1024 * 1024))).to.throw(ProtocolError, /exceeds kindling\.rpc\.message\.maxSize/);
    expect((await conn.ask('heartbeat', {})).type).to.equal('ack'); // the stream is intact
  });

  it('times out an ask that gets no reply', async () => {
    handler = () => {};
    const conn = await client();
    const started = Date.now();
    const e = await rejectionOf(conn.ask('fetchTaskBinary', { binaryId: 1 }, undefined, 100));
    expect(e).to.be.instanceOf(RpcTimeoutError);
    expect(e.message).to.equal(`Ask 'fetchTaskBinary' to 127.0.0.1:${server.port} got no reply within 100 ms (kindling.network.timeout)`);
    expect(Date.now() - started).to.be.at.least(90);
    const e2 = await rejectionOf((await client({ askTimeoutMs: 50 })).ask('heartbeat', {}));
    expect(e2.message).to.match(/within 50 ms/);
  });

  it('rejects pending asks when the peer closes, naming the peer', async () => {
    handler = () => {};
    const conn = await client();
    const closed: Array<Error | undefined> = [];
    conn.onClose((e) => closed.push(e));
    const pending = conn.ask('fetchTaskBinary', { binaryId: 1 });
    await waitFor(() => serverConns.length === 1, 'accept');
    await sleep(20);
    serverConns[0]!.close();
    const e = await rejectionOf(pending);
    expect(e).to.be.instanceOf(RpcConnectionError);
    expect(e.message).to.equal(
      `Connection to 127.0.0.1:${server.port} was closed by the peer before 'fetchTaskBinary' (request 1) was answered`,
    );
    await waitFor(() => closed.length === 1, 'onClose');
    expect(closed[0]).to.equal(undefined);
    expect(conn.closed).to.equal(true);
    expect(() => conn.send('heartbeat', {})).to.throw(RpcConnectionError, /connection is closed/);
  });

  it('rejects pending asks when closed locally', async () => {
    handler = () => {};
    const conn = await client();
    const pending = conn.ask('heartbeat', {});
    conn.close();
    const e = await rejectionOf(pending);
    expect(e.message).to.match(/^Connection to 127\.0\.0\.1:\d+ was closed before 'heartbeat'/);
    await conn.whenClosed;
    await waitFor(() => server.connections.size === 0, 'server forgets the connection');
  });

  it('close() stops listening and closes every connection', async () => {
    const conn = await client();
    const closed: Array<Error | undefined> = [];
    conn.onClose((e) => closed.push(e));
    const port = server.port;
    await server.close();
    expect(server.connections.size).to.equal(0);
    await waitFor(() => closed.length === 1, 'client sees the close');
    const e = await rejectionOf(connectRpc({ host: '127.0.0.1', port }));
    expect(e).to.be.instanceOf(RpcConnectionError);
    expect(e.message).to.match(new RegExp(`^Cannot connect to 127\\.0\\.0\\.1:${port}: connection refused`));
  });

  it('reports a failing one-way handler to the log instead of the peer', async () => {
    handler = () => {
      throw new Error('handler bug');
    };
    const conn = await client();
    conn.send('heartbeat', {});
    await waitFor(() => sink.lines.length > 0, 'log');
    expect(sink.lines[0]).to.match(/^Handler for 'heartbeat' from 127\.0\.0\.1:\d+ failed: Error: handler bug/);
    expect(conn.closed).to.equal(false);
  });

  it('refuses a second reply to the same ask', async () => {
    let second: Error | undefined;
    handler = (_msg, reply) => {
      reply('ack', {});
      try {
        reply('ack', {});
      } catch (e) {
        second = e as Error;
      }
    };
    const conn = await client();
    expect((await conn.ask('heartbeat', {})).type).to.equal('ack');
    expect(second?.message).to.match(/was already answered/);
  });
});
