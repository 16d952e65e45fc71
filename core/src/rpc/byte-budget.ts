/**
 * A FIFO semaphore counted in bytes: bounds the bytes of block fetches in flight (Spark's
 * maxBytesInFlight). A request larger than the whole budget still runs once nothing else is in
 * flight, so it cannot deadlock; strict FIFO means big requests are not starved by small ones.
 */
export class ByteBudget {
  private used = 0;
  private readonly waiters: Array<{ bytes: number; grant: () => void }> = [];

  constructor(readonly maxBytes: number) {}

  get bytesInUse(): number {
    return this.used;
  }

  acquire(bytes: number): Promise<void> {
    if (this.waiters.length === 0 && this.fits(bytes)) {
      this.used += bytes;
      return Promise.resolve();
    }
    return new Promise<void>((grant) => this.waiters.push({ bytes, grant }));
  }

  release(bytes: number): void {
    this.used -= bytes;
    while (this.waiters.length > 0 && this.fits(this.waiters[0]!.bytes)) {
      const next = this.waiters.shift()!;
      this.used += next.bytes;
      next.grant();
    }
  }

  private fits(bytes: number): boolean {
    return this.used === 0 || this.used + bytes <= this.maxBytes;
  }
}
