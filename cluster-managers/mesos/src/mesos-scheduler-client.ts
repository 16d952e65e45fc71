/**
 * A v1 scheduler HTTP API client: SUBSCRIBE on its own long-lived connection, the RecordIO event
 * stream decoded on bytes, every later call on other connections with Mesos-Stream-Id. The
 * subscription is watched: stream end, socket errors and ~5 missed heartbeat intervals close it
 * and resubscribe with the framework id (capped exponential backoff, jittered); the owner
 * reconciles its tasks on the `subscribed` event that follows.
 */
import { EventEmitter } from 'node:events';
import type * as http from 'node:http';
import type { MasterDetector } from './master-detector.js';
import type { MesosCodec } from './mesos-codec.js';
import { MesosError, RecordIoError } from './mesos-errors.js';
import { postScheduler, sleep } from './mesos-http.js';
import type { HostPort } from './mesos-master-url.js';
import type { FrameworkInfo, SchedulerCall, SchedulerEvent } from './mesos-types.js';
import { RecordIoDecoder } from './recordio.js';

export interface SchedulerClientOptions {
  detector: MasterDetector;
  codec: MesosCodec;
  /** Without `id`: the client sets it when resubscribing. */
  frameworkInfo: FrameworkInfo;
  /** Fail over into an existing framework (e.g. a dispatcher restarting). */
  frameworkId?: string;
  /** `Basic ...` for masters run with --authenticate_http_frameworks. */
  authorization?: string;
  /** Per call, and for the first SUBSCRIBED (default 75 s, the docs' figure). */
  callTimeoutMs?: number;
  /** Resubscribe and 503 backoff (default 1 s doubling to 15 s). */
  backoffMs?: { initial: number; max: number };
  /** Heartbeat intervals without any event before the stream counts as dead (default 5). */
  missedHeartbeats?: number;
  log?: (message: string) => void;
}

export interface SubscribedInfo {
  frameworkId: string;
  /** True after a reconnection (reconcile now); false for the first subscription. */
  resubscribed: boolean;
  /** The framework was removed by the master and registered again under a new id. */
  previousFrameworkId?: string;
  master: HostPort;
}

/** Statuses that retrying cannot fix: the request itself is wrong or not allowed. */
const FATAL_STATUSES = new Set([400, 401, 403, 405, 406, 409, 415, 501]);

export interface MesosSchedulerClient {
  on(event: 'subscribed', listener: (info: SubscribedInfo) => void): this;
  on(event: 'event', listener: (event: SchedulerEvent) => void): this;
  on(event: 'disconnected', listener: (why: string) => void): this;
  on(event: 'fatal', listener: (error: MesosError) => void): this;
}

export class MesosSchedulerClient extends EventEmitter {
  private frameworkId: string | undefined;
  private removedFrameworkId: string | undefined;
  private streamId: string | undefined;
  private master: HostPort | undefined;
  private stream: http.IncomingMessage | undefined;
  private everSubscribed = false;
  private stopped = false;
  private readonly abort = new AbortController();
  private readonly callTimeoutMs: number;
  private readonly backoff: { initial: number; max: number };
  private loopDone: Promise<void> | undefined;
  private firstSubscription: { resolve: (id: string) => void; reject: (e: Error) => void } | undefined;

  constructor(private readonly options: SchedulerClientOptions) {
    super();
    this.frameworkId = options.frameworkId;
    this.callTimeoutMs = options.callTimeoutMs ?? 75_000;
    this.backoff = options.backoffMs ?? { initial: 1000, max: 15_000 };
    options.detector.onChange((leader) => {
      if (this.master && (leader.host !== this.master.host || leader.port !== this.master.port)) {
        this.log(`leading master moved to ${leader.host}:${leader.port}; resubscribing`);
        this.stream?.destroy();
      }
    });
  }

  /** Subscribes; resolves with the framework id on the first SUBSCRIBED, rejects if that cannot happen. */
  start(): Promise<string> {
    const first = new Promise<string>((resolve, reject) => (this.firstSubscription = { resolve, reject }));
    this.loopDone = this.loop();
    return first;
  }

  get subscribed(): boolean {
    return this.streamId !== undefined;
  }

  get currentFrameworkId(): string | undefined {
    return this.frameworkId;
  }

  /** Sends a call with the framework id and stream id; rejects while not subscribed. */
  async call(call: SchedulerCall): Promise<void> {
    const streamId = this.streamId;
    const master = this.master;
    if (!streamId || !master || !this.frameworkId) {
      throw new MesosError(`Cannot send ${call.type} to Mesos: the scheduler is not subscribed (reconnecting)`);
    }
    await postScheduler(master, {
      contentType: this.options.codec.contentType,
      body: this.options.codec.encodeCall({ ...call, framework_id: { value: this.frameworkId } }),
      streamId,
      authorization: this.options.authorization,
      timeoutMs: this.callTimeoutMs,
      backoffMs: this.backoff,
      signal: this.abort.signal,
    });
  }

  /** Closes the subscription (the framework stays registered until failover_timeout unless torn down first). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.stream?.destroy();
    // Closing the detector first ends a wait for a leader that may never come.
    await this.options.detector.close();
    await this.loopDone;
  }

  private async loop(): Promise<void> {
    let delay = this.backoff.initial;
    const startDeadline = Date.now() + this.callTimeoutMs;
    while (!this.stopped) {
      let lastError = '';
      try {
        const leader = await this.options.detector.leader();
        if (this.stopped) break;
        const subscribedBefore = this.everSubscribed;
        await this.subscribeOnce(leader);
        if (this.everSubscribed && !subscribedBefore) delay = this.backoff.initial;
        lastError = 'the event stream ended';
      } catch (e) {
        const error = e instanceof MesosError ? e : new MesosError(String((e as Error)?.message ?? e), undefined, { cause: e });
        if (this.stopped) break;
        if (error.status !== undefined && FATAL_STATUSES.has(error.status)) return this.fail(error);
        if (error.fatal) return this.fail(error);
        lastError = error.message;
      }
      this.streamId = undefined;
      this.stream = undefined;
      if (this.stopped) break;
      this.log(`Mesos subscription lost (${lastError}); resubscribing in ${delay} ms`);
      this.emit('disconnected', lastError);
      if (!this.everSubscribed && Date.now() + delay > startDeadline) {
        return this.fail(new MesosError(`Could not subscribe to the Mesos master within ${this.callTimeoutMs} ms: ${lastError}`));
      }
      await sleep(delay * (0.8 + Math.random() * 0.4), this.abort.signal);
      delay = Math.min(delay * 2, this.backoff.max);
    }
  }

  private fail(error: MesosError): void {
    this.stopped = true;
    this.streamId = undefined;
    if (this.firstSubscription) {
      this.firstSubscription.reject(error);
      this.firstSubscription = undefined;
    } else {
      this.emit('fatal', error);
    }
  }

  /** One subscription, from SUBSCRIBE to the end of its stream. */
  private async subscribeOnce(leader: HostPort): Promise<void> {
    const info: FrameworkInfo = { ...this.options.frameworkInfo };
    const call: SchedulerCall = { type: 'SUBSCRIBE', subscribe: { framework_info: info } };
    if (this.frameworkId) {
      // Resubscribing: both ids must be set and equal, or the master answers 400.
      info.id = { value: this.frameworkId };
      call.framework_id = { value: this.frameworkId };
    }
    const { master, response } = await postScheduler(leader, {
      contentType: this.options.codec.contentType,
      body: this.options.codec.encodeCall(call),
      authorization: this.options.authorization,
      timeoutMs: this.callTimeoutMs,
      backoffMs: this.backoff,
      stream: true,
      signal: this.abort.signal,
    });
    const streamId = response.headers['mesos-stream-id'];
    const type = String(response.headers['content-type'] ?? '');
    if (typeof streamId !== 'string' || !streamId) {
      response.destroy();
      throw new MesosError(`Mesos master ${master.host}:${master.port} answered SUBSCRIBE with 200 but no Mesos-Stream-Id header`);
    }
    if (type && !type.startsWith(this.options.codec.contentType)) {
      response.destroy();
      throw new MesosError(`Mesos master sent events as '${type}', expected '${this.options.codec.contentType}'`);
    }
    this.master = master;
    this.stream = response;
    await this.consume(response, streamId);
  }

  /** Reads events until the stream ends, fails, or goes quiet for too long. */
  private consume(response: http.IncomingMessage, streamId: string): Promise<void> {
    const decoder = new RecordIoDecoder();
    let watchdog: NodeJS.Timeout | undefined;
    let quietLimitMs = this.callTimeoutMs;
    let problem: Error | undefined;
    const arm = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        problem = new MesosError(`no event from the Mesos master for ${quietLimitMs} ms (missed heartbeats)`);
        response.destroy();
      }, quietLimitMs);
    };
    arm();
    return new Promise<void>((resolve, reject) => {
      const finish = () => {
        clearTimeout(watchdog);
        if (problem) reject(problem);
        else resolve();
      };
      response.on('data', (chunk: Buffer) => {
        if (problem) return;
        try {
          for (const record of decoder.push(chunk)) {
            const event = this.options.codec.decodeEvent(record);
            const quiet = this.handle(event, streamId);
            if (quiet) quietLimitMs = quiet;
          }
          arm(); // any bytes count as life, not only HEARTBEAT
        } catch (e) {
          problem = e instanceof RecordIoError || e instanceof MesosError ? e : new MesosError(String(e));
          response.destroy();
        }
      });
      response.on('end', finish);
      response.on('close', finish);
      response.on('error', (e) => {
        problem ??= new MesosError(`Mesos event stream failed: ${e.message}`);
        finish();
      });
    });
  }

  /** Handles one event; returns a new quiet limit after SUBSCRIBED. */
  private handle(event: SchedulerEvent, streamId: string): number | undefined {
    if (event.type === 'SUBSCRIBED' && event.subscribed) {
      const previous = this.removedFrameworkId;
      this.removedFrameworkId = undefined;
      const id = event.subscribed.framework_id.value;
      this.frameworkId = id;
      this.streamId = streamId;
      const resubscribed = this.everSubscribed;
      this.everSubscribed = true;
      const interval = event.subscribed.heartbeat_interval_seconds ?? 15;
      this.emit('subscribed', {
        frameworkId: id,
        resubscribed,
        previousFrameworkId: previous,
        master: this.master!,
      } satisfies SubscribedInfo);
      if (this.firstSubscription) {
        this.firstSubscription.resolve(id);
        this.firstSubscription = undefined;
      }
      return Math.ceil(interval * (this.options.missedHeartbeats ?? 5) * 1000);
    }
    if (event.type === 'ERROR') {
      const message = event.error?.message ?? '(no message)';
      if (/Framework has been removed/i.test(message) && this.frameworkId) {
        // Its failover_timeout passed: that framework and its tasks are gone. Register anew.
        this.log(`Mesos removed framework ${this.frameworkId} ("${message}"); registering a new framework`);
        this.removedFrameworkId = this.frameworkId;
        this.frameworkId = undefined;
        throw new MesosError(message);
      }
      throw new MesosError(`Mesos master sent ERROR: ${message}`, undefined, { fatal: true });
    }
    if (this.streamId === streamId) this.emit('event', event);
    return undefined;
  }

  private log(message: string): void {
    this.options.log?.(message);
  }
}
