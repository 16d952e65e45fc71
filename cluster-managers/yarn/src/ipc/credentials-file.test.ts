import { expect } from 'chai';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { YarnError } from '../yarn-errors.js';
import { parseCredentials, tokenOfKind, writeVInt, writeVarint } from './credentials-file.js';
import { encodeMessage } from './hadoop-protos.js';

const text = (s: string) => Buffer.concat([writeVInt(Buffer.byteLength(s)), Buffer.from(s)]);
const bytes = (b: Buffer) => Buffer.concat([writeVInt(b.length), b]);

describe('yarn/Hadoop credentials files (HDTS)', () => {
  it('encodes Hadoop VInts like WritableUtils.writeVInt', () => {
    expect(writeVInt(0).toString('hex')).to.equal('00');
    expect(writeVInt(127).toString('hex')).to.equal('7f');
    expect(writeVInt(-112).toString('hex')).to.equal('90');
    expect(writeVInt(128).toString('hex')).to.equal('8f80');
    expect(writeVInt(300).toString('hex')).to.equal('8e012c');
    expect(writeVInt(-113).toString('hex')).to.equal('8770');
  });

  it('reads the Writable format (0), picking the token by kind (the AMRMToken alias is empty)', () => {
    const id = Buffer.alloc(300, 1); // > 127 bytes: a multi-byte VInt length
    const file = Buffer.concat([
      Buffer.from('HDTS'),
      Buffer.from([0]),
      writeVInt(2),
      text(''),
      bytes(id),
      bytes(Buffer.from('pw1')),
      text('YARN_AM_RM_TOKEN'),
      text(''),
      text('hdfs-alias'),
      bytes(Buffer.from('id2')),
      bytes(Buffer.from('pw2')),
      text('HDFS_DELEGATION_TOKEN'),
      text('nn:8020'),
      writeVInt(1),
      text('kindling.secret'),
      bytes(Buffer.from('s3cret')),
    ]);
    const c = parseCredentials(file);
    expect(tokenOfKind(c, 'YARN_AM_RM_TOKEN')).to.deep.equal({ identifier: id, password: Buffer.from('pw1'), kind: 'YARN_AM_RM_TOKEN', service: '' });
    expect(c.tokens.get('hdfs-alias')?.service).to.equal('nn:8020');
    expect(c.secrets.get('kindling.secret')?.toString()).to.equal('s3cret');
  });

  it('reads the protobuf format (1)', () => {
    const proto = encodeMessage('hadoop.common.CredentialsProto', {
      tokens: [{ alias: '', token: { identifier: Buffer.from('ident'), password: Buffer.from('pass'), kind: 'YARN_AM_RM_TOKEN', service: '' } }],
      secrets: [{ alias: 'k', secret: Buffer.from('v') }],
    });
    const file = Buffer.concat([Buffer.from('HDTS'), Buffer.from([1]), writeVarint(proto.length), Buffer.from(proto)]);
    const c = parseCredentials(file);
    expect(tokenOfKind(c, 'YARN_AM_RM_TOKEN').password.toString()).to.equal('pass');
    expect(c.secrets.get('k')?.toString()).to.equal('v');
  });

  it('reads a container_tokens file written by a real NodeManager (Hadoop 3.5.0)', () => {
    const file = fileURLToPath(new URL('../../testdata/container_tokens', import.meta.url));
    const c = parseCredentials(fs.readFileSync(file), file);
    const t = tokenOfKind(c, 'YARN_AM_RM_TOKEN', file);
    expect(t.service).to.equal('');
    expect(t.password.length).to.be.greaterThan(0);
    expect(t.identifier.length).to.be.greaterThan(8);
  });

  it('names what is wrong with a bad file', () => {
    expect(() => parseCredentials(Buffer.from('nope!'), '/x/tokens')).to.throw(YarnError, '/x/tokens is not a Hadoop credentials file (no HDTS header)');
    expect(() => parseCredentials(Buffer.from('HDTS\x07'), '/x/tokens')).to.throw(/unknown Hadoop credentials format 7/);
    expect(() => parseCredentials(Buffer.concat([Buffer.from('HDTS\x00'), writeVInt(1), text(''), writeVInt(50)]), '/x/t')).to.throw(/truncated/);
    expect(() => tokenOfKind(parseCredentials(Buffer.from('HDTS\x00\x00\x00')), 'YARN_AM_RM_TOKEN', 'f')).to.throw(/f holds no YARN_AM_RM_TOKEN token \(kinds present: none\)/);
  });
});
