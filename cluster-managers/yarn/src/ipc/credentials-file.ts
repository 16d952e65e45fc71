import * as fs from 'node:fs';
import { YarnError } from '../yarn-errors.js';
import { decodeMessage } from './hadoop-protos.js';
import type { HadoopToken } from './hadoop-token.js';

export interface Credentials {
  tokens: Map<string, HadoopToken>;
  secrets: Map<string, Buffer>;
}

/**
 * Hadoop's credentials file ("HDTS", what the NM writes at HADOOP_TOKEN_FILE_LOCATION): magic,
 * one format byte (0 = Writable, Hadoop 3's default "for compatibility"; 1 = protobuf), then the
 * tokens and secrets (Credentials.readTokenStorageStream).
 */
export function parseCredentials(buf: Buffer, file = 'credentials'): Credentials {
  if (buf.length < 5 || buf.toString('latin1', 0, 4) !== 'HDTS') throw new YarnError(`${file} is not a Hadoop credentials file (no HDTS header)`);
  const format = buf[4];
  const tokens = new Map<string, HadoopToken>();
  const secrets = new Map<string, Buffer>();
  if (format === 0) {
    const r = new WritableReader(buf, 5, file);
    const nTokens = r.vint();
    for (let i = 0; i < nTokens; i++) {
      const alias = r.text();
      const identifier = r.bytes();
      const password = r.bytes();
      tokens.set(alias, { identifier, password, kind: r.text(), service: r.text() });
    }
    const nSecrets = r.vint();
    for (let i = 0; i < nSecrets; i++) secrets.set(r.text(), r.bytes());
  } else if (format === 1) {
    // One varint-delimited CredentialsProto.
    const [len, off] = readVarint(buf, 5);
    const proto = decodeMessage<{ tokens: Array<{ alias: string; token?: HadoopToken }>; secrets: Array<{ alias: string; secret: Buffer }> }>(
      'hadoop.common.CredentialsProto',
      buf.subarray(off, off + len),
    );
    for (const kv of proto.tokens) {
      if (kv.token) tokens.set(kv.alias, { identifier: Buffer.from(kv.token.identifier), password: Buffer.from(kv.token.password), kind: kv.token.kind, service: kv.token.service });
    }
    for (const kv of proto.secrets) secrets.set(kv.alias, Buffer.from(kv.secret));
  } else {
    throw new YarnError(`${file}: unknown Hadoop credentials format ${format} (expected 0 = Writable or 1 = protobuf)`);
  }
  return { tokens, secrets };
}

export function readCredentialsFile(file: string): Credentials {
  return parseCredentials(fs.readFileSync(file), file);
}

/** The token of a kind (e.g. YARN_AM_RM_TOKEN, whose alias is empty): pick by kind, not alias. */
export function tokenOfKind(c: Credentials, kind: string, file = 'credentials'): HadoopToken {
  for (const t of c.tokens.values()) if (t.kind === kind) return t;
  throw new YarnError(`${file} holds no ${kind} token (kinds present: ${[...c.tokens.values()].map((t) => t.kind).join(', ') || 'none'})`);
}

/** Hadoop's WritableUtils VInt/VLong: -112..127 in one byte, else a length byte and big-endian bytes. */
class WritableReader {
  constructor(
    private readonly buf: Buffer,
    private off: number,
    private readonly file: string,
  ) {}

  vint(): number {
    const first = this.byte() << 24 >> 24; // signed
    if (first >= -112) return first;
    const negative = first < -120;
    const len = negative ? -(first + 120) : -(first + 112);
    let v = 0n;
    for (let i = 0; i < len; i++) v = (v << 8n) | BigInt(this.byte());
    const n = Number(negative ? ~v : v);
    return n;
  }

  bytes(): Buffer {
    const len = this.vint();
    if (len < 0 || this.off + len > this.buf.length) throw new YarnError(`${this.file}: truncated (a field of ${len} bytes at offset ${this.off})`);
    const b = Buffer.from(this.buf.subarray(this.off, this.off + len));
    this.off += len;
    return b;
  }

  text(): string {
    return this.bytes().toString('utf8');
  }

  private byte(): number {
    if (this.off >= this.buf.length) throw new YarnError(`${this.file}: truncated at offset ${this.off}`);
    return this.buf[this.off++]!;
  }
}

/** Writable VInt encoding (for tests and for writing credentials files). */
export function writeVInt(n: number): Buffer {
  if (n >= -112 && n <= 127) return Buffer.from([n & 0xff]);
  let len = -112;
  let v = BigInt(n);
  if (v < 0n) {
    v = ~v;
    len = -120;
  }
  const bytes: number[] = [];
  for (let t = v; t !== 0n; t >>= 8n) bytes.unshift(Number(t & 0xffn));
  return Buffer.from([(len - bytes.length) & 0xff, ...bytes]);
}

export function readVarint(buf: Buffer, off: number): [number, number] {
  let v = 0;
  let shift = 0;
  for (;;) {
    if (off >= buf.length) throw new YarnError('truncated varint');
    const b = buf[off++]!;
    v += (b & 0x7f) * 2 ** shift;
    if (!(b & 0x80)) return [v, off];
    shift += 7;
    if (shift > 49) throw new YarnError('varint too long');
  }
}

export function writeVarint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return Buffer.from(out);
}
