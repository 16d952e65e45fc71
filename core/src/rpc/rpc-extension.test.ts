import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { ProtocolError } from '../errors.js';
import { connectRpc } from './connect-rpc.js';
import { decodeEnvelope, encodeEnvelope, isMessageType, registerRpcMessages } from './proto-messages.js';
import { RpcServer } from './rpc-server.js';

const SCHEMA = fileURLToPath(new URL('../../testdata/rpc/extension.proto', import.meta.url));

describe('rpc/adapter message schemas (registerRpcMessages)', () => {
  before(() => {
    expect(registerRpcMessages(SCHEMA)).to.have.members(['kindling.testext.Ping', 'kindling.testext.Pong']);
  });

  it('round-trips an adapter message by its full name', () => {
    const payload = { text: 'hi', count: 2 ** 40, tags: ['a', 'b'] };
    const decoded = decodeEnvelope(encodeEnvelope({ type: 'kindling.testext.Ping', payload, requestId: 3 }));
    expect(decoded).to.deep.equal({ type: 'kindling.testext.Ping', payload, requestId: 3, replyTo: 0 });
    expect(isMessageType('kindling.testext.Pong')).to.equal(true);
  });

  it('refuses wrong field types and unknown names with a ProtocolError', () => {
    expect(() => encodeEnvelope({ type: 'kindling.testext.Ping', payload: { count: 'many' } })).to.throw(ProtocolError, /Invalid 'kindling.testext.Ping'/);
    expect(() => encodeEnvelope({ type: 'kindling.testext.Nope', payload: {} })).to.throw(ProtocolError, /Unknown RPC message type/);
  });

  it('refuses an extension whose schema this process does not know', () => {
    const bytes = encodeEnvelope({ type: 'kindling.testext.Pong', payload: { text: 'x' } });
    // Rewrite the type name inside the frame to one nobody registered (same length keeps the encoding valid).
    const forged = Buffer.from(Buffer.from(bytes).toString('latin1').replace('testext.Pong', 'testext.Zong'), 'latin1');
    expect(() => decodeEnvelope(forged)).to.throw(ProtocolError, /Unknown adapter RPC message type 'kindling.testext.Zong'/);
  });

  it('carries adapter asks and replies over an authenticated connection', async () => {
    const server = await RpcServer.listen({
      secret: 's3cret',
      onConnection: (conn) =>
        conn.onMessage((msg, reply) => {
          if (msg.type === 'kindling.testext.Ping') reply('kindling.testext.Pong', { text: `${msg.payload['text']}!` });
        }),
    });
    const conn = await connectRpc({ host: '127.0.0.1', port: server.port, secret: 's3cret' });
    try {
      const answer = await conn.ask('kindling.testext.Ping', { text: 'ping', count: 1, tags: [] });
      expect(answer).to.deep.include({ type: 'kindling.testext.Pong', payload: { text: 'ping!' } });
    } finally {
      conn.close();
      await server.close();
    }
  });
});
