/** Client side of an RPC connection: TCP connect, then the handshake, then a ready RpcConnection. */
import { connect, type Socket } from 'node:net';
import { clientHandshake } from './auth-handshake.js';
import { DEFAULT_MAX_FRAME_BYTES, FrameDecoder } from './frame-codec.js';
import { DEFAULT_ASK_TIMEOUT_MS, formatHostPort, RpcConnection } from './rpc-connection.js';
import { RpcConnectionError } from './rpc-errors.js';

export interface ConnectRpcOptions {
  host: string;
  port: number;
  /** kindling.authenticate.secret; must match the server's (both set, or both unset). */
  secret?: string;
  maxFrameBytes?: number;
  /** TCP connect timeout; default 120 s (kindling.network.timeout). */
  timeoutMs?: number;
  /** The handshake must finish within this; default 10 s. */
  authTimeoutMs?: number;
  /** Default timeout of asks on this connection; default 120 s. */
  askTimeoutMs?: number;
  log?: (message: string) => void;
}

export async function connectRpc(opts: ConnectRpcOptions): Promise<RpcConnection> {
  const peer = formatHostPort(opts.host, opts.port);
  const maxFrameBytes = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const decoder = new FrameDecoder(maxFrameBytes);
  const socket = await openSocket(opts.host, opts.port, opts.timeoutMs ?? DEFAULT_ASK_TIMEOUT_MS, peer);
  await clientHandshake(socket, decoder, { secret: opts.secret, timeoutMs: opts.authTimeoutMs, peer });
  // No await between the handshake and here: the connection attaches its reader before any I/O.
  return new RpcConnection(socket, { peer, decoder, maxFrameBytes, askTimeoutMs: opts.askTimeoutMs, log: opts.log });
}

function openSocket(host: string, port: number, timeoutMs: number, peer: string): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const socket = connect({ host, port });
    socket.pause();
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new RpcConnectionError(`Cannot connect to ${peer}: no answer within ${timeoutMs} ms (kindling.network.timeout)`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
    const onError = (e: NodeJS.ErrnoException): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(new RpcConnectionError(`Cannot connect to ${peer}: ${describe(e)}`, { cause: e }));
    };
    socket.once('error', onError);
  });
}

function describe(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ECONNREFUSED':
      return 'connection refused; is the process running and listening on that address?';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host name not found (${e.code})`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `host unreachable (${e.code})`;
    default:
      return e.message;
  }
}
