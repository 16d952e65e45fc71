/**
 * Executors' check that the driver still answers (Spark's executors fail after
 * spark.executor.heartbeat.maxFailures heartbeats without reply). Heartbeats are asks: a driver
 * that is stopped (SIGSTOP), hung or partitioned away keeps the TCP connection open but never
 * replies, and after kindling.network.timeout without any reply the executor gives up.
 */
import type { RpcConnectionLike } from '../rpc/rpc-types.js';

export interface DriverLivenessOptions {
  conn: RpcConnectionLike;
  /** kindling.executor.heartbeatInterval */
  intervalMs: number;
  /** kindling.network.timeout */
  timeoutMs: number;
  heartbeat(): Record<string, unknown>;
  /** Called once when the driver has not answered for timeoutMs. */
  onDriverLost(message: string): void;
}

export class DriverLiveness {
  private lastReply = Date.now();
  private readonly timer: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly o: DriverLivenessOptions) {
    this.timer = setInterval(() => this.beat(), Math.min(o.intervalMs, Math.max(10, o.timeoutMs / 4)));
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  private beat(): void {
    if (this.stopped || this.o.conn.closed) return;
    const silentMs = Date.now() - this.lastReply;
    if (silentMs >= this.o.timeoutMs) {
      this.stop();
      this.o.onDriverLost(
        `The driver has not answered a heartbeat for ${silentMs} ms (kindling.network.timeout is ${this.o.timeoutMs} ms); ` +
          'it is stopped, hung or unreachable. Exiting.',
      );
      return;
    }
    this.o.conn.ask('heartbeat', this.o.heartbeat(), undefined, this.o.timeoutMs).then(
      () => {
        this.lastReply = Date.now();
      },
      () => undefined, // a timeout or a closed connection; the next beat decides
    );
  }
}
