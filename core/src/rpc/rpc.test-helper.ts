/** Shared fixtures for the RPC tests (not part of the public API): raw sockets, a recording proxy. */
import { expect } from 'chai';
import { connect, createServer, type Socket } from 'node:net';
import { encodeFrame, FrameDecoder } from './frame-codec.js';
import { decodeEnvelope, encodeEnvelope, type Envelope } from './proto-messages.js';

/** One whole frame as a single buffer. */
export function frameBytes(type: string, payload: Record<string, unknown> = {}, body?: Uint8Array, requestId = 0): Buffer {
  return Buffer.concat(encodeFrame(encodeEnvelope({ type, payload, requestId }), body));
}

export function rawConnect(port: number, host = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** A raw socket plus everything it received, decoded as envelopes when possible. */
export interface RawPeer {
  socket: Socket;
  received: Buffer[];
  closed: Promise<void>;
  envelopes(): Envelope[];
}

export async function rawPeer(port: number): Promise<RawPeer> {
  const socket = await rawConnect(port);
  const received: Buffer[] = [];
  socket.on('data', (c: Buffer) => received.push(c));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    socket,
    received,
    closed,
    envelopes: () => new FrameDecoder().push(Buffer.concat(received)).map((f) => decodeEnvelope(f.header)),
  };
}

/** Resolves when `promise` settles, failing the test if that takes longer than `ms`. */
export async function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  expect.fail('expected the promise to reject');
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Log sink for servers, so tests can assert on what was logged. */
export function logSink(): { lines: string[]; log: (message: string) => void } {
  const lines: string[] = [];
  return { lines, log: (m) => lines.push(m) };
}

/**
 * A TCP proxy in front of `targetPort` that records every byte in both directions, to check
 * what actually crosses the wire.
 */
export async function recordingProxy(targetPort: number): Promise<{ port: number; bytes(): Buffer; close(): Promise<void> }> {
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    client.on('data', (c: Buffer) => {
      chunks.push(Buffer.from(c));
      upstream.write(c);
    });
    upstream.on('data', (c: Buffer) => {
      chunks.push(Buffer.from(c));
      client.write(c);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    bytes: () => Buffer.concat(chunks),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls `condition` until it holds, failing after `ms`. */
export async function waitFor(condition: () => boolean, what: string, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await sleep(5);
  }
}
