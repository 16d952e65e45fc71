/**
 * One POST to a master's /api/v1/scheduler, and the status rules every call shares: 307 is
 * followed to the leader (its Location is protocol-relative, `//host:port/api/v1/scheduler`),
 * 503 ("No leader elected", "Master has not finished recovery") is retried with capped
 * exponential backoff, and any other error status becomes a MesosError quoting the master's
 * plain-text body.
 */
import http from 'node:http';
import { MesosError } from './mesos-errors.js';
import type { HostPort } from './mesos-master-url.js';

export const SCHEDULER_PATH = '/api/v1/scheduler';
const MAX_REDIRECTS = 5;
const MAX_ERROR_BODY = 2000;

export interface PostOptions {
  contentType: string;
  body: Buffer;
  streamId?: string;
  /** HTTP Basic credentials (--authenticate_http_frameworks). */
  authorization?: string;
  timeoutMs: number;
  /** 503 retries: first delay and cap (ms), and when to give up overall. */
  backoffMs: { initial: number; max: number };
  /** A subscription: keep the response open and hand it over instead of reading it. */
  stream?: boolean;
  /** Stops retrying (the client is stopping). */
  signal?: AbortSignal;
}

export interface PostResult {
  /** The master that answered (after redirects): the leader. */
  master: HostPort;
  response: http.IncomingMessage;
  /** The body, for non-stream calls. */
  body?: Buffer;
}

/** Parses a 307 Location: `//host:port/path`, or an absolute URL. */
export function redirectTarget(location: string | undefined, from: HostPort): HostPort {
  if (!location) throw new MesosError(`Mesos master ${from.host}:${from.port} answered 307 without a Location header`, 307);
  const url = new URL(location.startsWith('//') ? `http:${location}` : location, `http://${from.host}:${from.port}`);
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : 5050 };
}

/** POSTs to `master`, following 307s and retrying 503s; resolves with the 200/202 response. */
export async function postScheduler(master: HostPort, options: PostOptions): Promise<PostResult> {
  let target = master;
  let redirects = 0;
  let delay = options.backoffMs.initial;
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (options.signal?.aborted) throw new MesosError('Mesos scheduler client stopped');
    const response = await send(target, options, Math.max(1000, deadline - Date.now()));
    const status = response.statusCode ?? 0;
    if (status === 200 || status === 202) {
      if (options.stream) return { master: target, response };
      return { master: target, response, body: await readBody(response, Infinity) };
    }
    const body = (await readBody(response, MAX_ERROR_BODY)).toString('utf8').trim();
    if (status === 307) {
      if (++redirects > MAX_REDIRECTS) {
        throw new MesosError(`Mesos masters redirected more than ${MAX_REDIRECTS} times (last: ${target.host}:${target.port}); is a leader elected?`, 307);
      }
      target = redirectTarget(response.headers.location, target);
      continue;
    }
    if (status === 503 && Date.now() + delay < deadline) {
      await sleep(delay, options.signal);
      delay = Math.min(delay * 2, options.backoffMs.max);
      continue;
    }
    throw new MesosError(
      `Mesos master ${target.host}:${target.port} answered ${status} ${response.statusMessage ?? ''} to POST ${SCHEDULER_PATH}: ${body || '(empty body)'}`,
      status,
    );
  }
}

function send(master: HostPort, options: PostOptions, timeoutMs: number): Promise<http.IncomingMessage> {
  const headers: Record<string, string | number> = {
    'Content-Type': options.contentType,
    Accept: options.contentType,
    'Content-Length': options.body.length,
  };
  if (options.streamId) headers['Mesos-Stream-Id'] = options.streamId;
  if (options.authorization) headers['Authorization'] = options.authorization;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: master.host,
        port: master.port,
        method: 'POST',
        path: SCHEDULER_PATH,
        headers,
        // The subscription gets its own socket so calls never queue behind the event stream.
        agent: options.stream ? false : undefined,
      },
      (res) => {
        clearTimeout(timer);
        resolve(res);
      },
    );
    const timer = setTimeout(() => req.destroy(new MesosError(`No answer from Mesos master ${master.host}:${master.port} within ${timeoutMs} ms`)), timeoutMs);
    req.on('socket', (s) => s.setNoDelay(true));
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(
        e instanceof MesosError
          ? e
          : new MesosError(`Cannot reach Mesos master ${master.host}:${master.port} (POST ${SCHEDULER_PATH}): ${e.message}`, undefined, { cause: e }),
      );
    });
    req.end(options.body);
  });
}

function readBody(res: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    res.on('data', (d: Buffer) => {
      if (size < limit) parts.push(d);
      size += d.length;
    });
    res.on('end', () => resolve(Buffer.concat(parts).subarray(0, limit === Infinity ? undefined : limit)));
    res.on('error', () => resolve(Buffer.concat(parts)));
  });
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
