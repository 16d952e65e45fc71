/**
 * One subscription's event stream on the simulated master: RecordIO records on a chunked 200,
 * an immediate first HEARTBEAT then one per interval, and (test mode) randomly fragmented and
 * coalesced writes: records split mid-length-prefix and mid-UTF-8 character, several records in
 * one write. `freeze()` stops all writes without closing the socket (a partition, no FIN).
 */
import type http from 'node:http';
import { encodeRecord, type MesosCodec, type SchedulerEvent } from '@kindling/cluster-manager-mesos';

export class SimStream {
  private heartbeat: NodeJS.Timeout | undefined;
  private frozen = false;
  private closed = false;
  private pending: Buffer[] = [];
  private flushing = false;

  constructor(
    readonly streamId: string,
    private readonly res: http.ServerResponse,
    readonly codec: MesosCodec,
    /** A seeded random source when writes are fragmented; undefined writes each record whole. */
    private readonly random: (() => number) | undefined,
    onClose: () => void,
  ) {
    res.on('close', () => {
      this.closed = true;
      clearInterval(this.heartbeat);
      onClose();
    });
  }

  get open(): boolean {
    return !this.closed;
  }

  startHeartbeats(intervalMs: number): void {
    this.send({ type: 'HEARTBEAT' });
    this.heartbeat = setInterval(() => this.send({ type: 'HEARTBEAT' }), intervalMs);
    this.heartbeat.unref();
  }

  send(event: SchedulerEvent): void {
    if (this.closed || this.frozen) return;
    this.pending.push(encodeRecord(this.codec.encodeEvent(event)));
    if (!this.random) {
      this.res.write(Buffer.concat(this.pending.splice(0)));
      return;
    }
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => this.flush());
    }
  }

  /** Writes everything queued in random pieces, each on its own tick so they arrive as separate chunks. */
  private flush(): void {
    const bytes = Buffer.concat(this.pending.splice(0));
    const pieces: Buffer[] = [];
    for (let i = 0; i < bytes.length; ) {
      const n = 1 + Math.floor(this.random!() * Math.min(64, bytes.length - i));
      pieces.push(bytes.subarray(i, i + n));
      i += n;
    }
    const step = () => {
      if (this.closed || this.frozen) return;
      const piece = pieces.shift();
      if (piece) {
        this.res.write(piece);
        setImmediate(step);
      } else if (this.pending.length) {
        this.flush();
      } else {
        this.flushing = false;
      }
    };
    step();
  }

  /** Stop writing (heartbeats too) but keep the connection open. */
  freeze(): void {
    this.frozen = true;
    clearInterval(this.heartbeat);
  }

  /** ERROR then close, as the master does on failover or a refused subscription. */
  error(message: string): void {
    if (this.closed) return;
    this.frozen = false;
    this.pending = [];
    this.flushing = false;
    this.res.end(encodeRecord(this.codec.encodeEvent({ type: 'ERROR', error: { message } })));
  }

  close(): void {
    clearInterval(this.heartbeat);
    if (!this.closed) this.res.destroy();
  }
}
