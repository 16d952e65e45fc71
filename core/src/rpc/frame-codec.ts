/**
 * Transport: length-prefixed frames over plain TCP. No extra dependency, binary bodies travel
 * as-is (no base64, no copy into a protobuf field), and we fully control the auth handshake and
 * size limits. HTTP/2/gRPC would add a large dependency and per-message overhead for what is a
 * same-datacentre control plane.
 *
 * Frame: [u32 BE length of what follows][u32 BE header length][header: Envelope][body bytes].
 */
import { ProtocolError } from '../errors.js';

/** Spark's spark.rpc.message.maxSize default (128 MiB). */
export const DEFAULT_MAX_FRAME_BYTES = 128 * 1024 * 1024;
export const MAX_FRAME_CONF_KEY = 'kindling.rpc.message.maxSize';
/** The 4-byte header-length field counted in a frame's total length. */
const HEADER_LENGTH_BYTES = 4;
const PREFIX_BYTES = 8;
const MAX_U32 = 0xffff_ffff;

export interface Frame {
  header: Uint8Array;
  body: Uint8Array;
}

/** Checks a configured limit: positive and representable in the u32 length prefix. */
export function checkMaxFrameBytes(maxFrameBytes: number): number {
  if (!Number.isInteger(maxFrameBytes) || maxFrameBytes < PREFIX_BYTES || maxFrameBytes > MAX_U32) {
    throw new ProtocolError(
      `${MAX_FRAME_CONF_KEY} must be between ${PREFIX_BYTES} and ${MAX_U32} bytes, got ${String(maxFrameBytes)}`,
    );
  }
  return maxFrameBytes;
}

export function frameTooLargeMessage(bytes: number, maxFrameBytes: number, limitName?: string): string {
  if (limitName !== undefined) return `Frame of ${bytes} bytes exceeds ${limitName} (${maxFrameBytes} bytes)`;
  return (
    `Frame of ${bytes} bytes exceeds ${MAX_FRAME_CONF_KEY} (${maxFrameBytes} bytes); ` +
    'raise the limit or send less data (use a broadcast variable for large values)'
  );
}

/**
 * Chunks for socket.write (corked) or writev. The small prefix + header is one new buffer; the
 * body is passed through as a view, never copied.
 */
export function encodeFrame(
  header: Uint8Array,
  body?: Uint8Array,
  maxFrameBytes: number = DEFAULT_MAX_FRAME_BYTES,
): Buffer[] {
  const bodyLength = body?.byteLength ?? 0;
  const total = HEADER_LENGTH_BYTES + header.byteLength + bodyLength;
  if (total > maxFrameBytes) throw new ProtocolError(frameTooLargeMessage(total, maxFrameBytes));
  const head = Buffer.allocUnsafe(PREFIX_BYTES + header.byteLength);
  head.writeUInt32BE(total, 0);
  head.writeUInt32BE(header.byteLength, 4);
  head.set(header, PREFIX_BYTES);
  if (!body || bodyLength === 0) return [head];
  return [head, Buffer.from(body.buffer, body.byteOffset, body.byteLength)];
}

/**
 * Incremental decoder. Chunks are queued, not concatenated, until a whole frame is present;
 * then the frame is a view into its chunk, or one copy when it spans chunks: linear in bytes.
 * After a ProtocolError the decoder is poisoned (the stream position is lost).
 */
export class FrameDecoder {
  private readonly chunks: Array<Buffer | undefined> = [];
  private head = 0; // index of the first live chunk
  private offset = 0; // read position inside chunks[head]
  private buffered = 0;
  private failure: ProtocolError | undefined;

  /** What a temporarily lowered limit is called in errors; undefined = the configured limit. */
  limitName: string | undefined;

  /** Mutable so a connection can use a small limit until its peer has authenticated. */
  constructor(public maxFrameBytes: number = DEFAULT_MAX_FRAME_BYTES) {
    checkMaxFrameBytes(maxFrameBytes);
  }

  /** Bytes received but not yet returned as frames. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /**
   * Queues `chunk` and returns the complete frames, at most `maxFrames` of them: the rest stay
   * buffered (a handshake takes one frame at a time, then raises the size limit for the rest).
   */
  push(chunk: Uint8Array, maxFrames = Infinity): Frame[] {
    if (this.failure) throw this.failure;
    if (chunk.byteLength > 0) {
      this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this.buffered += chunk.byteLength;
    }
    const frames: Frame[] = [];
    while (frames.length < maxFrames && this.buffered >= HEADER_LENGTH_BYTES) {
      const total = this.peekU32(0);
      this.check(total, this.buffered >= PREFIX_BYTES ? this.peekU32(4) : undefined);
      if (this.buffered < HEADER_LENGTH_BYTES + total) break;
      this.skip(HEADER_LENGTH_BYTES);
      const frame = this.take(total);
      const headerLength = frame.readUInt32BE(0);
      frames.push({
        header: frame.subarray(HEADER_LENGTH_BYTES, HEADER_LENGTH_BYTES + headerLength),
        body: frame.subarray(HEADER_LENGTH_BYTES + headerLength),
      });
    }
    this.compact();
    return frames;
  }

  // Validates as soon as the prefix arrives, so an oversized frame is never buffered.
  private check(total: number, headerLength: number | undefined): void {
    let problem: string | undefined;
    if (total === 0) {
      problem = 'Malformed frame: declared length is 0 (a frame holds at least its 4-byte header length)';
    } else if (total < HEADER_LENGTH_BYTES) {
      problem = `Malformed frame: declared length ${total} is shorter than the 4-byte header length field`;
    } else if (total > this.maxFrameBytes) {
      problem = frameTooLargeMessage(total, this.maxFrameBytes, this.limitName);
    } else if (headerLength !== undefined && headerLength > total - HEADER_LENGTH_BYTES) {
      problem =
        `Malformed frame: header length ${headerLength} exceeds the frame's ${total - HEADER_LENGTH_BYTES} bytes ` +
        'after the length fields; the peer is not speaking the Kindling RPC protocol or is corrupt';
    }
    if (problem !== undefined) {
      this.failure = new ProtocolError(problem);
      throw this.failure;
    }
  }

  private peekU32(at: number): number {
    let value = 0;
    let index = this.head;
    let pos = this.offset + at;
    for (let i = 0; i < 4; i++) {
      let chunk = this.chunks[index]!;
      while (pos >= chunk.length) {
        pos -= chunk.length;
        chunk = this.chunks[++index]!;
      }
      value = value * 256 + chunk[pos++]!;
    }
    return value;
  }

  private skip(n: number): void {
    while (n > 0) {
      const chunk = this.chunks[this.head]!;
      const k = Math.min(n, chunk.length - this.offset);
      this.advance(k, chunk);
      n -= k;
    }
  }

  private take(n: number): Buffer {
    const first = this.chunks[this.head]!;
    if (first.length - this.offset >= n) {
      const view = first.subarray(this.offset, this.offset + n);
      this.advance(n, first);
      return view;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[this.head]!;
      const k = Math.min(n - filled, chunk.length - this.offset);
      chunk.copy(out, filled, this.offset, this.offset + k);
      filled += k;
      this.advance(k, chunk);
    }
    return out;
  }

  private advance(k: number, chunk: Buffer): void {
    this.offset += k;
    this.buffered -= k;
    if (this.offset === chunk.length) {
      this.chunks[this.head++] = undefined; // release the chunk now
      this.offset = 0;
    }
  }

  // Drops consumed slots in bulk so the queue never shifts element by element.
  private compact(): void {
    if (this.head === this.chunks.length) {
      this.chunks.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.chunks.length) {
      this.chunks.splice(0, this.head);
      this.head = 0;
    }
  }
}
