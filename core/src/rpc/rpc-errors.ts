/**
 * Errors of the RPC layer, in Kindling's one hierarchy (KindlingError). Every message names the
 * peer, because "connection closed" without an address is useless in a cluster's logs.
 */
import { KindlingError } from '../errors.js';

/** Cannot connect, connection lost, or the connection was closed while an ask was pending. */
export class RpcConnectionError extends KindlingError {}

/** An ask got no reply within its timeout (kindling.network.timeout). */
export class RpcTimeoutError extends KindlingError {}

/** The handshake failed: wrong secret, or the two sides disagree on whether to authenticate. */
export class AuthenticationError extends KindlingError {}

/**
 * The peer's handler failed and answered with an `error` message. `name` and `message` are the
 * remote error's (e.g. name 'BlockError'), so callers can match on them as on a local error.
 */
export class RemoteError extends KindlingError {
  constructor(
    readonly remoteName: string,
    message: string,
    readonly remoteStack: string,
    readonly peer: string,
  ) {
    super(message);
    Object.defineProperty(this, 'name', { value: remoteName || 'Error', enumerable: false, configurable: true });
    // The local stack would only show the socket's data handler; the remote one is what explains the failure.
    this.stack = `${remoteStack || `${this.name}: ${message}`}\n    at <remote peer ${peer}>`;
  }
}

/** What an `error` reply carries. */
export function errorPayload(error: unknown): { name: string; message: string; stack: string } {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, stack: error.stack ?? `${error.name}: ${error.message}` };
  }
  const message = typeof error === 'string' ? error : safeString(error);
  return { name: 'Error', message, stack: `Error: ${message}` };
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
