/**
 * Record frames: `[u32 LE payload length][payload]`, payload = v8.serialize(array of records).
 * Batching records per frame amortises serializer overhead; the length prefix lets readers
 * stream a segment frame by frame without loading it whole.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import { ProtocolError, SerializationError } from '../errors.js';
import { BufferedFileWriter } from './buffered-file-writer.js';
import { estimateSize } from './size-estimator.js';

export const FRAME_HEADER_BYTES = 4;
const MAX_PAYLOAD_BYTES = 0xffffffff;
const SAMPLE_EVERY = 32;

export interface FrameWriterOptions {
  /** Emit a frame once this many records are buffered (default 1024). */
  batchRecords?: number;
  /** Emit a frame once buffered records are estimated at this many heap bytes (default 64 KiB). */
  maxFrameBytes?: number;
}

export class FrameWriter {
  private readonly out: BufferedFileWriter;
  private readonly batchRecords: number;
  private readonly maxFrameBytes: number;
  private pending: unknown[] = [];
  private seen = 0;
  private sampledBytes = 0;
  private samples = 0;
  private bytes = 0;
  private records = 0;

  /** `out` is a raw fd (written from offset 0) or a shared writer, so frames can follow copied bytes. */
  constructor(out: number | BufferedFileWriter, options: FrameWriterOptions = {}) {
    this.out = typeof out === 'number' ? new BufferedFileWriter(out) : out;
    this.batchRecords = Math.max(1, options.batchRecords ?? 1024);
    this.maxFrameBytes = Math.max(1, options.maxFrameBytes ?? 64 * 1024);
  }

  /** Bytes of frames emitted so far (records still buffered are not counted yet). */
  get bytesWritten(): number {
    return this.bytes;
  }

  /** Records emitted in frames so far. */
  get recordsWritten(): number {
    return this.records;
  }

  write(record: unknown): void {
    this.pending.push(record);
    // Sampled like SizeTracker: estimating every record would dominate the write path.
    if (this.seen++ % SAMPLE_EVERY === 0) {
      this.sampledBytes += estimateSize(record);
      this.samples++;
    }
    const estimate = (this.pending.length * this.sampledBytes) / this.samples;
    if (this.pending.length >= this.batchRecords || estimate >= this.maxFrameBytes) this.endFrame();
  }

  /** Emits buffered records as one frame (into the writer's buffer); no-op when none. */
  endFrame(): void {
    if (this.pending.length === 0) return;
    let payload: Buffer;
    try {
      payload = serialize(this.pending);
    } catch (e) {
      throw new SerializationError(`cannot serialize shuffle records: ${(e as Error).message}`, { cause: e });
    }
    if (payload.length > MAX_PAYLOAD_BYTES) {
      throw new SerializationError(`shuffle frame of ${payload.length} bytes exceeds the 4 GiB frame limit`);
    }
    const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
    header.writeUInt32LE(payload.length, 0);
    this.out.write(header);
    this.out.write(payload);
    this.bytes += FRAME_HEADER_BYTES + payload.length;
    this.records += this.pending.length;
    this.pending = [];
  }

  /** Ends the current frame and pushes everything to the file. */
  flush(): void {
    this.endFrame();
    this.out.flush();
  }
}

/** Decodes all frames of an in-memory buffer (e.g. a fetched block). */
export function* readFrames(buf: Uint8Array, source = '<buffer>'): Generator<unknown[], void, undefined> {
  let pos = 0;
  while (pos < buf.length) {
    const remaining = buf.length - pos;
    if (remaining < FRAME_HEADER_BYTES) throw truncatedHeader(source, pos, remaining);
    const length = (buf[pos] | (buf[pos + 1] << 8) | (buf[pos + 2] << 16)) + buf[pos + 3] * 0x1000000;
    if (length > remaining - FRAME_HEADER_BYTES) throw tooLong(source, pos, length, remaining - FRAME_HEADER_BYTES);
    const start = pos + FRAME_HEADER_BYTES;
    const batch = decodePayload(buf.subarray(start, start + length), source, pos);
    pos = start + length;
    yield batch;
  }
}

export interface SegmentReadOptions {
  /** Read-ahead chunk size; frames larger than it are read into their own buffer (default 64 KiB). */
  chunkBytes?: number;
}

/**
 * Frames of the byte range [offset, offset + length) of a file, read lazily: one chunk at a
 * time, so a large segment is never held whole. Each iteration opens the file anew and
 * closes it when done or when the consumer stops early.
 */
export function fileSegmentFrames(
  path: string,
  offset: number,
  length: number,
  options: SegmentReadOptions = {},
): Iterable<unknown[]> {
  const chunkBytes = Math.max(FRAME_HEADER_BYTES, options.chunkBytes ?? 64 * 1024);
  return { [Symbol.iterator]: () => segmentFrames(path, offset, length, chunkBytes) };
}

function* segmentFrames(path: string, offset: number, length: number, chunkBytes: number): Generator<unknown[], void, undefined> {
  if (length <= 0) return; // empty blocks are never opened, as in Spark
  const end = offset + length;
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(Math.min(chunkBytes, length));
    let chunkStart = offset; // file offset of chunk[0]
    let chunkLen = 0;
    // Loads file bytes from `at` into the chunk (as many as fit and belong to the segment).
    const refill = (at: number): void => {
      const want = Math.min(chunk.length, end - at);
      readFully(fd, chunk, 0, want, at, path);
      chunkStart = at;
      chunkLen = want;
    };
    let pos = offset;
    while (pos < end) {
      const remaining = end - pos;
      if (remaining < FRAME_HEADER_BYTES) throw truncatedHeader(path, pos, remaining);
      if (pos + FRAME_HEADER_BYTES > chunkStart + chunkLen) refill(pos);
      const frameLength = chunk.readUInt32LE(pos - chunkStart);
      if (frameLength > remaining - FRAME_HEADER_BYTES) {
        throw tooLong(path, pos, frameLength, remaining - FRAME_HEADER_BYTES);
      }
      const start = pos + FRAME_HEADER_BYTES;
      let payload: Buffer;
      if (start + frameLength <= chunkStart + chunkLen) {
        payload = chunk.subarray(start - chunkStart, start - chunkStart + frameLength);
      } else if (frameLength <= chunk.length) {
        refill(start);
        payload = chunk.subarray(0, frameLength);
      } else {
        payload = Buffer.allocUnsafe(frameLength);
        readFully(fd, payload, 0, frameLength, start, path);
      }
      const batch = decodePayload(payload, path, pos);
      pos = start + frameLength;
      yield batch;
    }
  } finally {
    closeSync(fd);
  }
}

function readFully(fd: number, into: Buffer, at: number, count: number, position: number, path: string): void {
  let done = 0;
  while (done < count) {
    const n = readSync(fd, into, at + done, count - done, position + done);
    if (n === 0) {
      throw new ProtocolError(
        `truncated shuffle data in ${path} at offset ${position + done}: file ended ${count - done} bytes before the segment end`,
      );
    }
    done += n;
  }
}

function decodePayload(payload: Uint8Array, source: string, frameOffset: number): unknown[] {
  let batch: unknown;
  try {
    batch = deserialize(payload);
  } catch (e) {
    throw new ProtocolError(
      `corrupt shuffle frame in ${source} at offset ${frameOffset}: cannot deserialize ${payload.length}-byte payload: ${(e as Error).message}`,
      { cause: e },
    );
  }
  if (!Array.isArray(batch)) {
    throw new ProtocolError(`corrupt shuffle frame in ${source} at offset ${frameOffset}: payload is not a record batch`);
  }
  return batch;
}

function truncatedHeader(source: string, offset: number, remaining: number): ProtocolError {
  return new ProtocolError(
    `corrupt shuffle frame in ${source} at offset ${offset}: ${remaining} trailing bytes are too few for a frame header`,
  );
}

function tooLong(source: string, offset: number, declared: number, remaining: number): ProtocolError {
  return new ProtocolError(
    `corrupt shuffle frame in ${source} at offset ${offset}: declared length ${declared} exceeds remaining ${remaining} bytes`,
  );
}
