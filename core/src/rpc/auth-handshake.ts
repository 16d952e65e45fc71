/**
 * Mutual challenge-response authentication (see the Auth* messages in proto/kindling.proto):
 *   server -> AuthChallenge{nonce}; client -> AuthResponse{client_nonce, proof};
 *   server -> AuthResult{ok, proof}; the client then checks the server's proof too.
 * Proofs are HMAC-SHA256 over a role label and both fresh nonces, so the secret never crosses
 * the wire, a recorded exchange cannot be replayed, and one side's proof cannot be reflected.
 *
 * A server without a secret greets with AuthResult{ok: true} and no proof instead, so a
 * client that expects authentication fails at once rather than after a timeout.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import { ProtocolError } from '../errors.js';
import { encodeFrame, type FrameDecoder } from './frame-codec.js';
import { decodeEnvelope, encodeEnvelope, type Envelope } from './proto-messages.js';
import { AuthenticationError, RpcConnectionError } from './rpc-errors.js';

export const DEFAULT_AUTH_TIMEOUT_MS = 10_000;
export const AUTH_FAILED_MESSAGE = 'Authentication failed: wrong kindling.authenticate.secret';
const NONCE_BYTES = 32;
/** Auth messages are ~100 bytes: an unauthenticated peer must not make us buffer more than this. */
const PRE_AUTH_MAX_FRAME_BYTES = 4096;
const NO_AUTH_GREETING = 'Authentication not required';

export interface HandshakeOptions {
  /** kindling.authenticate.secret; undefined = authentication off. */
  secret?: string;
  timeoutMs?: number;
  /** host:port of the other side, for messages. */
  peer: string;
}

/** HMAC-SHA256(secret, "kindling-<role>" || server nonce || client nonce); nonces are fixed-size. */
export function authProof(
  secret: string,
  role: 'client' | 'server',
  serverNonce: Uint8Array,
  clientNonce: Uint8Array,
): Buffer {
  return createHmac('sha256', secret).update(`kindling-${role}`).update(serverNonce).update(clientNonce).digest();
}

/**
 * Server side. Resolves once the client proved it knows the secret (immediately when there is
 * none); frames the client sent afterwards stay buffered in `decoder`. Any other first message,
 * a wrong proof, or the timeout destroys the socket and rejects.
 */
export function serverHandshake(socket: Socket, decoder: FrameDecoder, opts: HandshakeOptions): Promise<void> {
  const { secret, peer } = opts;
  if (secret === undefined) {
    writeEnvelope(socket, { type: 'authResult', payload: { ok: true, message: NO_AUTH_GREETING } });
    return Promise.resolve();
  }
  const serverNonce = randomBytes(NONCE_BYTES);
  writeEnvelope(socket, { type: 'authChallenge', payload: { nonce: serverNonce } });
  return exchange(socket, decoder, opts, (env) => {
    if (env.type !== 'authResponse') {
      throw new AuthenticationError(`Dropped connection from ${peer}: it sent '${env.type}' before authenticating`);
    }
    const clientNonce = env.payload['clientNonce'] as Uint8Array;
    const proof = env.payload['proof'] as Uint8Array;
    if (clientNonce.byteLength !== NONCE_BYTES || !proofMatches(authProof(secret, 'client', serverNonce, clientNonce), proof)) {
      writeEnvelope(socket, { type: 'authResult', payload: { ok: false, message: AUTH_FAILED_MESSAGE } });
      throw new GracefulClose(
        new AuthenticationError(`Authentication failed: ${peer} presented a wrong kindling.authenticate.secret`),
      );
    }
    writeEnvelope(socket, { type: 'authResult', payload: { ok: true, proof: authProof(secret, 'server', serverNonce, clientNonce) } });
    return true;
  });
}

/** Client side: answers the challenge and checks the server's proof before anything else is sent. */
export function clientHandshake(socket: Socket, decoder: FrameDecoder, opts: HandshakeOptions): Promise<void> {
  const { secret, peer } = opts;
  let clientNonce: Buffer | undefined;
  let serverNonce: Uint8Array | undefined;
  return exchange(socket, decoder, opts, (env) => {
    if (env.type === 'authChallenge' && clientNonce === undefined) {
      if (secret === undefined) {
        throw new AuthenticationError(
          `Server ${peer} requires authentication but kindling.authenticate is off here (no secret). An executor gets ` +
            "its application's secret from its launcher in KINDLING_AUTH_SECRET; elsewhere set KINDLING_AUTH_SECRET or " +
            'kindling.authenticate.secret.file to the shared secret',
        );
      }
      serverNonce = env.payload['nonce'] as Uint8Array;
      if (serverNonce.byteLength !== NONCE_BYTES) throw new ProtocolError(`Server ${peer} sent a malformed auth challenge`);
      clientNonce = randomBytes(NONCE_BYTES);
      const proof = authProof(secret, 'client', serverNonce, clientNonce);
      writeEnvelope(socket, { type: 'authResponse', payload: { clientNonce, proof } });
      return false;
    }
    if (env.type !== 'authResult') {
      throw new ProtocolError(`Server ${peer} sent '${env.type}' during the authentication handshake`);
    }
    const { ok, message } = env.payload as { ok: boolean; message: string };
    if (clientNonce === undefined) {
      // Greeting of a server without a secret.
      if (secret !== undefined) {
        throw new AuthenticationError(`Server did not request authentication but kindling.authenticate is on (server ${peer})`);
      }
      if (!ok) throw new AuthenticationError(authFailure(message, peer));
      return true;
    }
    if (!ok) throw new AuthenticationError(authFailure(message, peer));
    const expected = authProof(secret!, 'server', serverNonce!, clientNonce);
    if (!proofMatches(expected, env.payload['proof'] as Uint8Array)) {
      throw new AuthenticationError(`Authentication failed: server ${peer} could not prove it knows kindling.authenticate.secret`);
    }
    return true;
  });
}

function authFailure(message: string, peer: string): string {
  const text = message || 'refused by the server';
  return `${text.startsWith('Authentication failed') ? text : `Authentication failed: ${text}`} (server ${peer})`;
}

function proofMatches(expected: Buffer, actual: Uint8Array): boolean {
  return actual.byteLength === expected.byteLength && timingSafeEqual(expected, actual);
}

function writeEnvelope(socket: Socket, env: Parameters<typeof encodeEnvelope>[0]): void {
  for (const chunk of encodeFrame(encodeEnvelope(env))) socket.write(chunk);
}

/** Fails the handshake but lets the last message (the refusal) reach the peer first. */
class GracefulClose {
  constructor(readonly error: Error) {}
}

/**
 * Feeds handshake frames one at a time to `step` until it returns true. Meanwhile the decoder's
 * limit is tiny; it is restored before any later frame is even looked at.
 */
function exchange(
  socket: Socket,
  decoder: FrameDecoder,
  opts: HandshakeOptions,
  step: (env: Envelope) => boolean,
): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_AUTH_TIMEOUT_MS;
  const limit = decoder.maxFrameBytes;
  decoder.maxFrameBytes = Math.min(limit, PRE_AUTH_MAX_FRAME_BYTES);
  decoder.limitName = 'the limit for peers that have not authenticated';
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('data', onData).off('close', onClose).off('error', onError);
      decoder.maxFrameBytes = limit;
      decoder.limitName = undefined;
      // Until the connection attaches its handlers, or while we close, an error must not crash the process.
      socket.on('error', () => {});
      if (error === undefined) {
        socket.pause(); // the connection attaches its own reader next
        resolve();
        return;
      }
      if (error instanceof GracefulClose) {
        socket.end();
        setTimeout(() => socket.destroy(), 1000).unref();
        reject(error.error);
      } else {
        socket.destroy();
        reject(error);
      }
    };
    // The next whole handshake message; a frame-level error is about the handshake, not the configured size.
    const next = (chunk: Uint8Array): Envelope | undefined => {
      try {
        const frame = decoder.push(chunk, 1)[0];
        return frame && decodeEnvelope(frame.header);
      } catch (e) {
        throw new ProtocolError(`Bad authentication handshake message from ${opts.peer}: ${(e as Error).message}`, { cause: e });
      }
    };
    const onData = (chunk: Buffer): void => {
      try {
        for (let env = next(chunk); env && !settled; env = next(new Uint8Array(0))) {
          if (step(env)) return finish();
        }
      } catch (e) {
        finish(e);
      }
    };
    const onClose = (): void =>
      finish(new RpcConnectionError(`Connection with ${opts.peer} closed during the authentication handshake`));
    const onError = (e: Error): void =>
      finish(new RpcConnectionError(`Connection with ${opts.peer} failed during the authentication handshake: ${e.message}`, { cause: e }));
    const timer = setTimeout(
      () =>
        finish(new AuthenticationError(`Authentication with ${opts.peer} did not complete within ${timeoutMs} ms; dropped the connection`)),
      timeoutMs,
    );
    socket.on('data', onData).on('close', onClose).on('error', onError);
    socket.resume();
  });
}
