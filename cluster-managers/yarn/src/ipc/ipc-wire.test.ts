import { expect } from 'chai';
import { decodeMessage, encodeMessage } from './hadoop-protos.js';
import { digestResponse, digestResponseValue, parseDigestChallenge } from './digest-md5.js';
import { FrameReader, frame, preamble, splitDelimited } from './ipc-framing.js';

describe('yarn/Hadoop IPC wire format (golden bytes)', () => {
  it('writes the 7-byte connection preamble', () => {
    expect(preamble(true).toString('hex')).to.equal('6872706309' + '00' + 'df');
    expect(preamble(false).toString('hex')).to.equal('68727063090000');
  });

  it('zigzags request call ids (sint32) and frames them with a 4-byte length and varint delimiters', () => {
    const header = (callId: number, retryCount: number, clientId: Buffer) =>
      encodeMessage('hadoop.common.RpcRequestHeaderProto', { rpcKind: 'RPC_PROTOCOL_BUFFER', rpcOp: 'RPC_FINAL_PACKET', callId, clientId, retryCount });
    // field 1 rpcKind=2, field 2 rpcOp=0, field 3 callId zigzag(-33)=65 (0x41), field 4 empty clientId, field 5 zigzag(-1)=1
    expect(Buffer.from(header(-33, -1, Buffer.alloc(0))).toString('hex')).to.equal('0802' + '1000' + '1841' + '2200' + '2801');
    // the connection context's call id -3 is zigzag 5; a first call 0 with a 16-byte client id and retry 0
    expect(Buffer.from(header(-3, -1, Buffer.alloc(0))).toString('hex')).to.equal('080210001805220028' + '01');
    const cid = Buffer.alloc(16, 0xab);
    expect(Buffer.from(header(0, 0, cid)).toString('hex')).to.equal('080210001800' + '2210' + 'ab'.repeat(16) + '2800');
    const f = frame([Buffer.from([1, 2, 3]), Buffer.alloc(0), Buffer.alloc(200, 9)]);
    expect(f.subarray(0, 4).readUInt32BE(0)).to.equal(1 + 3 + 1 + 2 + 200);
    expect(f.subarray(4, 10).toString('hex')).to.equal('03010203' + '00' + 'c8'); // 200 = varint c8 01
    expect(f[10]).to.equal(0x01);
    expect(splitDelimited(f.subarray(4)).map((b) => b.length)).to.deep.equal([3, 0, 200]);
  });

  it('reads response call ids as uint32: -33 arrives as 4294967263 and converts with | 0', () => {
    const bytes = encodeMessage('hadoop.common.RpcResponseHeaderProto', { callId: 4294967263, status: 'SUCCESS', serverIpcVersionNum: 9 });
    expect(Buffer.from(bytes).toString('hex')).to.equal('08dfffffff0f' + '1000' + '1809');
    const h = decodeMessage<{ callId: number }>('hadoop.common.RpcResponseHeaderProto', bytes);
    expect(h.callId).to.equal(4294967263);
    expect(h.callId | 0).to.equal(-33);
  });

  it('reassembles frames split anywhere in the stream', () => {
    const got: string[] = [];
    const r = new FrameReader((b) => got.push(b.toString('hex')));
    const bytes = Buffer.concat([frame([Buffer.from('ab', 'hex')]), frame([Buffer.from('cdef', 'hex')])]);
    for (const b of bytes) r.push(Buffer.from([b]));
    expect(got).to.deep.equal(['01ab', '02cdef']);
    expect(() => new FrameReader(() => {}, 10).push(Buffer.from([0, 0, 0, 11]))).to.throw(/exceeds the 10-byte limit/);
  });

  it("computes RFC 2831's DIGEST-MD5 example (section 4): response and rspauth", () => {
    const input = { username: 'chris', password: 'secret', realm: 'elwood.innosoft.com', nonce: 'OA6MG9tEQGm2hh', cnonce: 'OA6MHXh6VqTrRk', digestUri: 'imap/elwood.innosoft.com' };
    expect(digestResponseValue(input)).to.equal('d388dad90d4bbd760a152321f2143af7');
    expect(digestResponseValue(input, '')).to.equal('ea40f60335c427b5527b84dbabcdfffd');
    const challenge = parseDigestChallenge('realm="elwood.innosoft.com",nonce="OA6MG9tEQGm2hh",qop="auth",algorithm=md5-sess,charset=utf-8');
    expect(challenge).to.deep.equal({ realm: 'elwood.innosoft.com', nonce: 'OA6MG9tEQGm2hh', qop: ['auth'], charset: 'utf-8', algorithm: 'md5-sess' });
    expect(digestResponse(challenge, 'chris', 'secret', 'imap/elwood.innosoft.com', 'OA6MHXh6VqTrRk')).to.equal(
      'charset=utf-8,username="chris",realm="elwood.innosoft.com",nonce="OA6MG9tEQGm2hh",nc=00000001,cnonce="OA6MHXh6VqTrRk",digest-uri="imap/elwood.innosoft.com",maxbuf=65536,response=d388dad90d4bbd760a152321f2143af7,qop=auth',
    );
  });

  it('refuses integrity/privacy-only SASL with the reason', () => {
    const c = parseDigestChallenge('realm="default",nonce="n",qop="auth-int,auth-conf",charset=utf-8,algorithm=md5-sess');
    expect(() => digestResponse(c, 'u', 'p', '/default')).to.throw(/supports qop=auth \(hadoop\.rpc\.protection=authentication\), not integrity or privacy/);
  });
});
