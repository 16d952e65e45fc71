import { writeSync } from 'node:fs';

/**
 * Positioned, buffered writes to a file descriptor. Shuffle output is many small pieces
 * (frame headers, tiny frames of sparse partitions, copied segments), so coalescing them
 * keeps the number of write(2) calls low.
 */
export class BufferedFileWriter {
  private readonly buffer: Buffer;
  private used = 0;
  private flushedTo: number;

  constructor(
    readonly fd: number,
    bufferBytes = 64 * 1024,
    startPosition = 0,
  ) {
    this.buffer = Buffer.allocUnsafe(bufferBytes);
    this.flushedTo = startPosition;
  }

  /** File offset of the next byte written (buffered bytes included). */
  get position(): number {
    return this.flushedTo + this.used;
  }

  write(data: Uint8Array): void {
    if (data.length > this.buffer.length - this.used) {
      this.flush();
      // Large pieces skip the buffer rather than being copied through it.
      if (data.length >= this.buffer.length) {
        writeFully(this.fd, data, this.flushedTo);
        this.flushedTo += data.length;
        return;
      }
    }
    this.buffer.set(data, this.used);
    this.used += data.length;
  }

  flush(): void {
    if (this.used === 0) return;
    writeFully(this.fd, this.buffer.subarray(0, this.used), this.flushedTo);
    this.flushedTo += this.used;
    this.used = 0;
  }
}

function writeFully(fd: number, data: Uint8Array, position: number): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, data.length - done, position + done);
}
