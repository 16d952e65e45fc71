import { expect } from 'chai';
import { ProtocolError } from '../errors.js';
import { seededRandom } from '../shuffle/shuffle.test-helper.js';
import { DEFAULT_MAX_FRAME_BYTES, encodeFrame, type Frame, FrameDecoder } from './frame-codec.js';
import type { RpcConnection } from './rpc-connection.js';
import { logSink, rawPeer, waitFor, within } from './rpc.test-helper.js';
import { RpcServer } from './rpc-server.js';

function frame(header: string, body?: Uint8Array): Buffer {
  return Buffer.concat(encodeFrame(Buffer.from(header), body));
}

function decodeAll(decoder: FrameDecoder, chunks: Uint8Array[]): Frame[] {
  return chunks.flatMap((c) => decoder.push(c));
}

function text(f: Frame): [string, string] {
  return [Buffer.from(f.header).toString(), Buffer.from(f.body).toString()];
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  return expect.fail('expected an error');
}

describe('rpc/frame-codec', () => {
  it('round-trips frames with and without a body', () => {
    const d = new FrameDecoder();
    const frames = d.push(Buffer.concat([frame('h1', Buffer.from('body')), frame('h2'), frame('h3', new Uint8Array(0))]));
    expect(frames.map(text)).to.deep.equal([
      ['h1', 'body'],
      ['h2', ''],
      ['h3', ''],
    ]);
    expect(d.bufferedBytes).to.equal(0);
  });

  it('encodes the body as its own chunk, without copying it', () => {
    const body = Buffer.alloc(1000, 7);
    const chunks = encodeFrame(Buffer.from('hdr'), body);
    expect(chunks).to.have.length(2);
    expect(chunks[1]!.buffer).to.equal(body.buffer);
    expect(chunks[0]!.readUInt32BE(0)).to.equal(4 + 3 + 1000);
    expect(chunks[0]!.readUInt32BE(4)).to.equal(3);
  });

  it('decodes frames fed one byte at a time', () => {
    const bytes = Buffer.concat([frame('a', Buffer.from('xyz')), frame('bb'), frame('ccc', Buffer.from('!'))]);
    const d = new FrameDecoder();
    const frames = decodeAll(d, [...bytes].map((b) => Uint8Array.of(b)));
    expect(frames.map(text)).to.deep.equal([
      ['a', 'xyz'],
      ['bb', ''],
      ['ccc', '!'],
    ]);
  });

  it('decodes many frames from one chunk', () => {
    const bytes = Buffer.concat(Array.from({ length: 5000 }, (_, i) => frame(`h${i}`, Buffer.from(`b${i}`))));
    const frames = new FrameDecoder().push(bytes);
    expect(frames).to.have.length(5000);
    expect(text(frames[4321]!)).to.deep.equal(['h4321', 'b4321']);
  });

  it('reassembles a 10 MiB body split at arbitrary points, between small frames', () => {
    const rnd = seededRandom(7);
    const big = Buffer.alloc(10 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = Math.floor(rnd() * 256);
    const bytes = Buffer.concat([frame('before'), frame('big', big), frame('after', Buffer.from('x'))]);
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; ) {
      const n = 1 + Math.floor(rnd() * 150_000);
      chunks.push(bytes.subarray(at, at + n));
      at += n;
    }
    const started = Date.now();
    const frames = decodeAll(new FrameDecoder(), chunks);
    expect(Date.now() - started).to.be.below(2000);
    expect(frames.map((f) => Buffer.from(f.header).toString())).to.deep.equal(['before', 'big', 'after']);
    expect(Buffer.compare(Buffer.from(frames[1]!.body), big)).to.equal(0);
  });

  it('rejects a declared length over the limit as soon as the prefix arrives', () => {
    const prefix = Buffer.alloc(8);
    prefix.writeUInt32BE(200_000_000, 0);
    const e = errorOf(() => new FrameDecoder().push(prefix.subarray(0, 4)));
    expect(e).to.be.instanceOf(ProtocolError);
    expect(e.message).to.equal(
      'Frame of 200000000 bytes exceeds kindling.rpc.message.maxSize (134217728 bytes); ' +
        'raise the limit or send less data (use a broadcast variable for large values)',
    );
    expect(DEFAULT_MAX_FRAME_BYTES).to.equal(134217728);
  });

  it('refuses to encode a frame over the limit', () => {
    const e = errorOf(() => encodeFrame(Buffer.from('h'), Buffer.alloc(100), 64));
    expect(e).to.be.instanceOf(ProtocolError);
    expect(e.message).to.match(/^Frame of 105 bytes exceeds kindling\.rpc\.message\.maxSize \(64 bytes\); raise the limit/);
  });

  it('rejects a header length larger than the frame', () => {
    const bad = Buffer.alloc(12);
    bad.writeUInt32BE(8, 0);
    bad.writeUInt32BE(5, 4); // only 4 bytes follow the header length field
    const e = errorOf(() => new FrameDecoder().push(bad));
    expect(e).to.be.instanceOf(ProtocolError);
    expect(e.message).to.match(/header length 5 exceeds the frame's 4 bytes/);
  });

  it('rejects a zero or too-short length, and stays failed afterwards', () => {
    const d = new FrameDecoder();
    const e = errorOf(() => d.push(Buffer.alloc(8)));
    expect(e).to.be.instanceOf(ProtocolError);
    expect(e.message).to.match(/declared length is 0/);
    expect(errorOf(() => d.push(frame('ok')))).to.equal(e);
    const short = Buffer.from([0, 0, 0, 3, 1, 2, 3]);
    expect(errorOf(() => new FrameDecoder().push(short)).message).to.match(/shorter than the 4-byte header length/);
  });

  it('returns at most maxFrames frames and keeps the rest buffered', () => {
    const d = new FrameDecoder();
    const bytes = Buffer.concat([frame('1'), frame('2'), frame('3')]);
    expect(d.push(bytes, 1).map(text)).to.deep.equal([['1', '']]);
    expect(d.push(new Uint8Array(0)).map(text)).to.deep.equal([
      ['2', ''],
      ['3', ''],
    ]);
  });

  describe('over a real socket', () => {
    let server: RpcServer;
    const closes: Array<Error | undefined> = [];
    const sink = logSink();
    beforeEach(async () => {
      closes.length = 0;
      server = await RpcServer.listen({
        log: sink.log,
        onConnection: (conn: RpcConnection) => {
          conn.onMessage(() => expect.fail('no message should be delivered'));
          conn.onClose((e) => closes.push(e));
        },
      });
    });
    afterEach(() => server.close());

    for (const [what, bytes, pattern] of [
      ['an oversized length', Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]), /exceeds kindling\.rpc\.message\.maxSize/],
      ['a zero length', Buffer.alloc(8), /declared length is 0/],
      ['garbage header bytes', Buffer.concat(encodeFrame(Buffer.from([0xff, 0xff, 0xff, 0xff]))), /Malformed RPC envelope/],
    ] as const) {
      it(`closes the connection on ${what} and tells onClose why`, async () => {
        const peer = await rawPeer(server.port);
        peer.socket.write(bytes);
        await within(2000, peer.closed, 'connection close');
        await waitFor(() => closes.length > 0, 'onClose');
        expect(closes[0]).to.be.instanceOf(ProtocolError);
        expect(closes[0]!.message).to.match(/^Closed connection to 127\.0\.0\.1:\d+: /);
        expect(closes[0]!.message).to.match(pattern);
      });
    }
  });
});
