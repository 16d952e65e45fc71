/**
 * A log that writes at most `burst` lines per `intervalMs`, then one summary line with the count
 * of what it dropped. A flood of refused connections must not become a flood of stderr lines
 * (which costs the victim more than the attacker, and buries everything else in the log).
 */
export class RateLimitedLog {
  private windowStart = 0;
  private written = 0;
  private suppressed = 0;
  private summaryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sink: (message: string) => void,
    private readonly what: string,
    private readonly burst = 10,
    private readonly intervalMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  log(message: string): void {
    const t = this.now();
    if (t - this.windowStart >= this.intervalMs) {
      this.flush();
      this.windowStart = t;
      this.written = 0;
    }
    if (this.written < this.burst) {
      this.written++;
      this.sink(message);
      return;
    }
    this.suppressed++;
    // The summary also comes when the flood stops, not only with the next message.
    this.summaryTimer ??= setTimeout(() => {
      this.summaryTimer = undefined;
      this.flush();
    }, Math.max(1, this.intervalMs - (t - this.windowStart))).unref();
  }

  /** Writes the pending summary, if any (also called on close). */
  flush(): void {
    clearTimeout(this.summaryTimer);
    this.summaryTimer = undefined;
    if (this.suppressed === 0) return;
    const n = this.suppressed;
    this.suppressed = 0;
    this.sink(`... and ${n} more ${this.what} in the last ${Math.round(this.intervalMs / 1000)} s (not logged one by one)`);
  }
}
