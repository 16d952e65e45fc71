/**
 * Accepts RPC connections. Secure by default: binds loopback unless a host is given, and with a
 * secret no connection reaches `onConnection` (or any handler) before it has authenticated.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { serverHandshake } from './auth-handshake.js';
import { DEFAULT_MAX_FRAME_BYTES, FrameDecoder, checkMaxFrameBytes } from './frame-codec.js';
import { formatHostPort, RpcConnection, type UntrustedLimits } from './rpc-connection.js';
import { RpcConnectionError } from './rpc-errors.js';
import { RateLimitedLog } from '../util/rate-limited-log.js';

// The client side lives in its own file; importers expect both here.
export { connectRpc, type ConnectRpcOptions } from './connect-rpc.js';

export interface RpcServerOptions {
  /** Default 127.0.0.1; use '0.0.0.0' (or a NIC address) to accept remote peers. */
  host?: string;
  /** Default 0: any free port (see `.port`). */
  port?: number;
  /** kindling.authenticate.secret; undefined = no authentication. */
  secret?: string;
  /** kindling.rpc.message.maxSize in bytes; default 128 MiB. */
  maxFrameBytes?: number;
  /** Default timeout of asks made on accepted connections; default 120 s. */
  askTimeoutMs?: number;
  /** A peer must authenticate within this; default 10 s. */
  authTimeoutMs?: number;
  /**
   * Without a secret, connections start with these limits until the handler calls conn.trust()
   * (the driver: once the peer registered as an executor). Ignored with a secret: the handshake
   * already ran under a tiny frame cap and a timeout.
   */
  untrusted?: UntrustedLimits;
  /** Called once per authenticated connection; register conn.onMessage here. */
  onConnection(conn: RpcConnection): void;
  /** Refused connections and handler failures; default console.warn. */
  log?: (message: string) => void;
}

export class RpcServer {
  private readonly conns = new Set<RpcConnection>();
  private readonly handshaking = new Set<Socket>();
  private closing: Promise<void> | undefined;
  private readonly log: (message: string) => void;
  /** Refused and dropped connections: a flood of them must not flood the log. */
  private readonly refusals: RateLimitedLog;

  private constructor(
    private readonly server: Server,
    private readonly opts: RpcServerOptions,
    readonly host: string,
    readonly port: number,
  ) {
    this.log = opts.log ?? ((m) => console.warn(m));
    this.refusals = new RateLimitedLog(this.log, `refused or dropped connections to ${formatHostPort(host, port)}`);
  }

  static listen(opts: RpcServerOptions): Promise<RpcServer> {
    const host = opts.host ?? '127.0.0.1';
    checkMaxFrameBytes(opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
    const server = createServer({ pauseOnConnect: true });
    return new Promise<RpcServer>((resolve, reject) => {
      const onError = (e: Error): void =>
        reject(new RpcConnectionError(`Cannot listen on ${formatHostPort(host, opts.port ?? 0)}: ${e.message}`, { cause: e }));
      server.once('error', onError);
      server.listen({ host, port: opts.port ?? 0 }, () => {
        server.off('error', onError);
        const address = server.address();
        const port = typeof address === 'object' && address !== null ? address.port : (opts.port ?? 0);
        const rpc = new RpcServer(server, opts, host, port);
        server.on('connection', (socket) => rpc.accept(socket));
        server.on('error', (e) => rpc.log(`RPC server ${formatHostPort(host, port)}: ${e.message}`));
        resolve(rpc);
      });
    });
  }

  /** Authenticated connections that are still open. */
  get connections(): ReadonlySet<RpcConnection> {
    return this.conns;
  }

  /** Stops listening and closes every connection; resolves when all sockets are gone. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const listenerClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      for (const socket of this.handshaking) socket.destroy();
      const conns = [...this.conns];
      for (const conn of conns) conn.close();
      await Promise.all(conns.map((c) => c.whenClosed));
      await listenerClosed;
      this.refusals.flush();
    })();
    return this.closing;
  }

  private accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const peer = formatHostPort(socket.remoteAddress, socket.remotePort);
    const { secret, maxFrameBytes, askTimeoutMs, authTimeoutMs } = this.opts;
    const decoder = new FrameDecoder(maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
    this.handshaking.add(socket);
    serverHandshake(socket, decoder, { secret, timeoutMs: authTimeoutMs, peer }).then(
      () => {
        this.handshaking.delete(socket);
        if (this.closing) {
          socket.destroy();
          return;
        }
        const untrusted = secret === undefined ? this.opts.untrusted : undefined;
        const conn = new RpcConnection(socket, { peer, decoder, askTimeoutMs, log: this.log, untrusted });
        this.conns.add(conn);
        conn.onClose((error) => {
          this.conns.delete(conn);
          if (error && !conn.trusted && !this.closing) this.refusals.log(`Dropped RPC connection from ${peer}: ${error.message}`);
        });
        try {
          this.opts.onConnection(conn);
        } catch (e) {
          this.log(`onConnection failed for ${peer}: ${(e as Error).message}`);
          conn.close();
        }
      },
      (e: Error) => {
        this.handshaking.delete(socket);
        if (!this.closing) this.refusals.log(`Refused RPC connection from ${peer}: ${e.message}`);
      },
    );
  }
}
