import { RecordIoError } from './mesos-errors.js';

/** Mesos' RecordIO framing: `<decimal byte length>\n<payload>` (docs/recordio.md). */
export function encodeRecord(payload: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${payload.length}\n`, 'ascii'), payload]);
}

/** Larger records are refused as a corrupt stream (an OFFERS event is a few hundred KiB at most). */
export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024;
const LF = 0x0a;
const ZERO = 0x30;
const NINE = 0x39;
/** 64 MiB has 8 digits; anything past 16 is not a length we accept. */
const MAX_HEADER_DIGITS = 16;

/**
 * Incremental RecordIO decoder over bytes. HTTP chunk boundaries mean nothing: a push may hold
 * part of a length prefix, several records, or split a multi-byte UTF-8 character, so payloads
 * are only decoded by the caller once complete. A malformed header throws RecordIoError and
 * leaves the decoder failed for good, as Mesos' own decoder does.
 */
export class RecordIoDecoder {
  private digits = 0;
  private length = 0;
  /** Bytes still missing from the current payload; -1 while reading a header. */
  private remaining = -1;
  private parts: Buffer[] = [];
  private failed: RecordIoError | undefined;

  constructor(private readonly maxRecordBytes = DEFAULT_MAX_RECORD_BYTES) {}

  /** Feeds bytes; returns the records they complete, in order. */
  push(chunk: Uint8Array): Buffer[] {
    if (this.failed) throw this.failed;
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const records: Buffer[] = [];
    let i = 0;
    while (i < bytes.length) {
      if (this.remaining < 0) {
        const b = bytes[i++]!;
        if (b === LF) {
          // An empty line before a header is tolerated (the spec's reader loops over them).
          if (this.digits === 0) continue;
          if (this.length === 0) {
            this.resetHeader(); // zero-length records should not happen; skip them
            continue;
          }
          this.remaining = this.length;
          this.parts = [];
          continue;
        }
        if (b < ZERO || b > NINE) this.fail(`expected a decimal length or '\\n', got byte 0x${b.toString(16).padStart(2, '0')}`);
        if (++this.digits > MAX_HEADER_DIGITS) this.fail(`length prefix longer than ${MAX_HEADER_DIGITS} digits`);
        this.length = this.length * 10 + (b - ZERO);
        if (this.length > this.maxRecordBytes) this.fail(`record length ${this.length} exceeds the limit of ${this.maxRecordBytes} bytes`);
        continue;
      }
      const take = Math.min(this.remaining, bytes.length - i);
      this.parts.push(bytes.subarray(i, i + take));
      i += take;
      this.remaining -= take;
      if (this.remaining === 0) {
        // One copy per record; slices of the caller's chunk must not outlive it.
        records.push(Buffer.concat(this.parts));
        this.parts = [];
        this.resetHeader();
      }
    }
    return records;
  }

  /** Bytes of an unfinished record at end of stream (a truncated record, to be dropped). */
  pendingBytes(): number {
    if (this.remaining >= 0) return this.length - this.remaining;
    return this.digits;
  }

  private resetHeader(): void {
    this.digits = 0;
    this.length = 0;
    this.remaining = -1;
  }

  private fail(why: string): never {
    this.failed = new RecordIoError(`Malformed RecordIO stream from the Mesos master: ${why}`);
    throw this.failed;
  }
}
