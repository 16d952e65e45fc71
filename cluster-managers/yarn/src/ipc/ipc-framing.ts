import { readVarint, writeVarint } from './credentials-file.js';

/** Connection preamble: "hrpc", RPC version 9, service class 0, auth protocol (0 = NONE, 0xDF = SASL). */
export function preamble(sasl: boolean): Buffer {
  return Buffer.from([0x68, 0x72, 0x70, 0x63, 9, 0, sasl ? 0xdf : 0x00]);
}

export const SASL_CALL_ID = -33;
export const CONNECTION_CONTEXT_CALL_ID = -3;
export const PING_CALL_ID = -4;

/** One frame: 4-byte big-endian length, then each message varint-length-delimited. */
export function frame(messages: Uint8Array[]): Buffer {
  const parts: Buffer[] = [];
  for (const m of messages) parts.push(writeVarint(m.length), Buffer.from(m));
  const body = Buffer.concat(parts);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}

/** Splits a frame body back into its delimited messages. */
export function splitDelimited(body: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let off = 0;
  while (off < body.length) {
    const [len, start] = readVarint(body, off);
    out.push(body.subarray(start, start + len));
    off = start + len;
  }
  return out;
}

/** Reassembles length-prefixed frames from a byte stream. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  constructor(
    private readonly onFrame: (body: Buffer) => void,
    private readonly maxFrame = 128 * 1024 * 1024,
  ) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 4) {
      const len = this.buf.readUInt32BE(0);
      if (len > this.maxFrame) throw new Error(`Hadoop IPC frame of ${len} bytes exceeds the ${this.maxFrame}-byte limit (ipc.maximum.data.length)`);
      if (this.buf.length < 4 + len) return;
      const body = this.buf.subarray(4, 4 + len);
      this.buf = this.buf.subarray(4 + len);
      this.onFrame(body);
    }
  }
}
