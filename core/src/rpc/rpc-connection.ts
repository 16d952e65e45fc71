/**
 * One authenticated RPC connection over a TCP socket: one-way messages, asks matched to replies
 * by request id, and `error` replies for failed handlers. Both ends use the same class.
 */
import type { Socket } from 'node:net';
import { IllegalStateError, ProtocolError } from '../errors.js';
import { DEFAULT_MAX_FRAME_BYTES, encodeFrame, FrameDecoder, type Frame } from './frame-codec.js';
import { decodeEnvelope, encodeEnvelope } from './proto-messages.js';
import { remoteSafeErrorPayload } from './remote-safe-error.js';
import { errorPayload, RemoteError, RpcConnectionError, RpcTimeoutError } from './rpc-errors.js';
import type { Reply, RpcConnectionLike, RpcMessage } from './rpc-types.js';

/** Spark's spark.network.timeout default; config key kindling.network.timeout. */
export const DEFAULT_ASK_TIMEOUT_MS = 120_000;
/** How long close() waits for the peer to acknowledge before dropping the socket. */
const CLOSE_GRACE_MS = 2000;
const MAX_REQUEST_ID = 0xffff_ffff;
const MAX_TIMER_MS = 0x7fff_ffff;

export interface RpcConnectionOptions {
  /** host:port of the peer, for messages; defaults to the socket's remote address. */
  peer?: string;
  maxFrameBytes?: number;
  askTimeoutMs?: number;
  /** The decoder used during the handshake: it may already hold the peer's next frames. */
  decoder?: FrameDecoder;
  /** Where failures nobody awaits (one-way message handlers) are reported. */
  log?: (message: string) => void;
  /**
   * Limits until trust() is called, for peers that did not authenticate (authentication off):
   * a small frame cap, and a deadline by which the peer must have earned trust.
   */
  untrusted?: UntrustedLimits;
}

export interface UntrustedLimits {
  maxFrameBytes: number;
  timeoutMs: number;
  /** What the peer must do to be trusted, for the error messages (e.g. 'registered as an executor'). */
  until: string;
}

type MessageHandler = (msg: RpcMessage, reply: Reply) => void | Promise<void>;

interface PendingAsk {
  type: string;
  resolve(msg: RpcMessage): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout | undefined;
}

export function formatHostPort(host: string | undefined, port: number | undefined): string {
  const h = host ?? 'unknown';
  return `${h.includes(':') ? `[${h}]` : h}:${port ?? '?'}`;
}

export class RpcConnection implements RpcConnectionLike {
  readonly remoteAddress: string;
  private readonly decoder: FrameDecoder;
  private readonly maxFrameBytes: number;
  private readonly askTimeoutMs: number;
  private readonly log: (message: string) => void;
  private readonly pending = new Map<number, PendingAsk>();
  private nextRequestId = 1;
  private handler: MessageHandler | undefined;
  /** Messages that arrived before onMessage() was called. */
  private early: Array<{ msg: RpcMessage; requestId: number }> = [];
  private readonly closeHandlers: Array<(error?: Error) => void> = [];
  private state: 'open' | 'closing' | 'closed' = 'open';
  private closeError: Error | undefined;
  private closedByPeer = true;
  readonly whenClosed: Promise<void>;
  private markClosed!: () => void;
  private untrustedTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: Socket,
    opts: RpcConnectionOptions = {},
  ) {
    this.remoteAddress = opts.peer ?? formatHostPort(socket.remoteAddress, socket.remotePort);
    this.maxFrameBytes = opts.maxFrameBytes ?? opts.decoder?.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.decoder = opts.decoder ?? new FrameDecoder(this.maxFrameBytes);
    this.askTimeoutMs = opts.askTimeoutMs ?? DEFAULT_ASK_TIMEOUT_MS;
    this.log = opts.log ?? ((m) => console.warn(m));
    this.whenClosed = new Promise((resolve) => (this.markClosed = resolve));
    if (opts.untrusted) this.limitUntrusted(opts.untrusted);
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (e) => {
      this.closeError ??= new RpcConnectionError(`Connection to ${this.remoteAddress} failed: ${e.message}`, { cause: e });
    });
    socket.on('end', () => {
      if (this.state === 'open') this.state = 'closing'; // the peer is gone: no more writes
    });
    socket.on('close', () => this.finish());
    if (socket.destroyed) {
      process.nextTick(() => this.finish());
      return;
    }
    this.receive(new Uint8Array(0)); // frames buffered during the handshake
    socket.resume();
  }

  get closed(): boolean {
    return this.state !== 'open';
  }

  /** False while the untrusted limits apply. */
  get trusted(): boolean {
    return this.decoder.limitName === undefined;
  }

  /** Lifts the untrusted limits: the peer proved who it is (e.g. registered as an executor). */
  trust(): void {
    clearTimeout(this.untrustedTimer);
    this.untrustedTimer = undefined;
    this.decoder.maxFrameBytes = this.maxFrameBytes;
    this.decoder.limitName = undefined;
  }

  private limitUntrusted(limits: UntrustedLimits): void {
    this.decoder.maxFrameBytes = Math.min(this.maxFrameBytes, limits.maxFrameBytes);
    this.decoder.limitName = `the limit for peers that have not ${limits.until}`;
    this.untrustedTimer = setTimeout(() => {
      this.fail(new ProtocolError(`the peer has not ${limits.until} within ${limits.timeoutMs} ms`));
    }, limits.timeoutMs);
    this.untrustedTimer.unref();
  }

  send(type: string, payload: Record<string, unknown>, body?: Uint8Array): void {
    this.checkOpen(type);
    this.write(type, payload, body, 0, 0);
  }

  ask(type: string, payload: Record<string, unknown>, body?: Uint8Array, timeoutMs?: number): Promise<RpcMessage> {
    return new Promise<RpcMessage>((resolve, reject) => {
      this.checkOpen(type);
      const requestId = this.allocateRequestId();
      const limit = timeoutMs ?? this.askTimeoutMs;
      // Infinity (or more than setTimeout can hold) means no timeout, rather than Node's 1 ms fallback.
      const timer =
        limit <= MAX_TIMER_MS
          ? setTimeout(() => {
              this.pending.delete(requestId);
              reject(
                new RpcTimeoutError(
                  `Ask '${type}' to ${this.remoteAddress} got no reply within ${limit} ms (kindling.network.timeout)`,
                ),
              );
            }, limit)
          : undefined;
      this.pending.set(requestId, { type, resolve, reject, timer });
      try {
        this.write(type, payload, body, requestId, 0);
      } catch (e) {
        clearTimeout(timer);
        this.pending.delete(requestId);
        throw e;
      }
    });
  }

  onMessage(handler: MessageHandler): void {
    this.handler = handler;
    const early = this.early;
    this.early = [];
    for (const { msg, requestId } of early) this.deliver(msg, requestId);
  }

  /** Called once when the socket is gone: no error for an orderly close by either side. */
  onClose(handler: (error?: Error) => void): void {
    if (this.state === 'closed') process.nextTick(() => handler(this.closeError));
    else this.closeHandlers.push(handler);
  }

  /** Flushes what was sent, then closes; pending asks are rejected at once. */
  close(): void {
    if (this.state !== 'open') return;
    this.state = 'closing';
    this.closedByPeer = false;
    this.rejectPending();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  private checkOpen(type: string): void {
    if (this.state !== 'open') {
      throw new RpcConnectionError(`Cannot send '${type}' to ${this.remoteAddress}: the connection is closed`);
    }
  }

  private allocateRequestId(): number {
    // Wraps around; ids of asks still pending are skipped.
    do {
      const id = this.nextRequestId;
      this.nextRequestId = id === MAX_REQUEST_ID ? 1 : id + 1;
      if (!this.pending.has(id)) return id;
    } while (true);
  }

  private write(type: string, payload: Record<string, unknown>, body: Uint8Array | undefined, requestId: number, replyTo: number): void {
    // Encode fully before writing, so a too-large frame fails without touching the stream.
    const chunks = encodeFrame(encodeEnvelope({ type, payload, requestId, replyTo }), body, this.maxFrameBytes);
    // Node keeps references to written buffers (no copies); cork turns the chunks into one writev.
    this.socket.cork();
    for (const chunk of chunks) this.socket.write(chunk);
    this.socket.uncork();
  }

  private receive(chunk: Uint8Array): void {
    let frames: Frame[];
    try {
      frames = this.decoder.push(chunk);
    } catch (e) {
      this.fail(e as Error);
      return;
    }
    for (const frame of frames) {
      if (this.state === 'closed') return;
      this.dispatch(frame);
    }
  }

  private dispatch(frame: Frame): void {
    let env;
    try {
      env = decodeEnvelope(frame.header);
    } catch (e) {
      this.fail(e as Error);
      return;
    }
    const msg: RpcMessage = { type: env.type, payload: env.payload };
    if (frame.body.byteLength > 0) msg.body = frame.body;
    if (env.replyTo > 0) {
      const ask = this.pending.get(env.replyTo);
      if (!ask) return; // answer to an ask that already timed out
      this.pending.delete(env.replyTo);
      clearTimeout(ask.timer);
      if (env.type === 'error') {
        const p = env.payload as { name: string; message: string; stack: string };
        ask.reject(new RemoteError(p.name, p.message, p.stack, this.remoteAddress));
      } else {
        ask.resolve(msg);
      }
      return;
    }
    if (this.state !== 'open') return;
    this.deliver(msg, env.requestId);
  }

  private deliver(msg: RpcMessage, requestId: number): void {
    const handler = this.handler;
    if (!handler) {
      this.early.push({ msg, requestId });
      return;
    }
    let replied = false;
    const reply: Reply = (type, payload, body) => {
      if (requestId === 0) return;
      if (replied) throw new IllegalStateError(`'${msg.type}' from ${this.remoteAddress} was already answered`);
      if (this.state === 'open') this.write(type, payload, body, 0, requestId); // else the asker already failed
      replied = true; // only now: a reply too large to send becomes an error reply instead
    };
    const failed = (e: unknown): void => {
      if (requestId !== 0 && !replied && this.state === 'open') {
        replied = true;
        try {
          this.write('error', remoteSafeErrorPayload(e), undefined, 0, requestId);
          return;
        } catch (e2) {
          e = e2;
        }
      }
      this.log(`Handler for '${msg.type}' from ${this.remoteAddress} failed: ${errorPayload(e).stack}`);
    };
    try {
      const result = handler(msg, reply);
      if (result && typeof result.then === 'function') result.then(undefined, failed);
    } catch (e) {
      failed(e);
    }
  }

  /** The peer broke the protocol: drop the connection, saying why. */
  private fail(error: Error): void {
    this.closeError ??= new ProtocolError(`Closed connection to ${this.remoteAddress}: ${error.message}`, { cause: error });
    this.closedByPeer = false;
    this.socket.destroy();
  }

  private rejectPending(): void {
    for (const [requestId, ask] of this.pending) {
      clearTimeout(ask.timer);
      const how = this.closeError ? `failed (${this.closeError.message})` : this.closedByPeer ? 'was closed by the peer' : 'was closed';
      ask.reject(
        new RpcConnectionError(
          `Connection to ${this.remoteAddress} ${how} before '${ask.type}' (request ${requestId}) was answered`,
          { cause: this.closeError },
        ),
      );
    }
    this.pending.clear();
  }

  private finish(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.untrustedTimer);
    this.rejectPending();
    this.early = [];
    for (const handler of this.closeHandlers.splice(0)) {
      try {
        handler(this.closeError);
      } catch (e) {
        this.log(`onClose handler for ${this.remoteAddress} failed: ${errorPayload(e).stack}`);
      }
    }
    this.markClosed();
  }
}
