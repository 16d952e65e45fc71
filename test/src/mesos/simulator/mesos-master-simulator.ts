/**
 * A protocol-faithful Mesos master for tests (mesos.md §7.3), on a real HTTP server on loopback:
 * POST /api/v1/scheduler only, exact Content-Type (400/415), Accept negotiation (406), plain-text
 * error bodies; a non-leader answers 307 with a protocol-relative Location, a leaderless one 503.
 * SUBSCRIBE validation, stream ids, SUBSCRIBED + an immediate HEARTBEAT + periodic ones, failover
 * ("Framework failed over" on the old stream), failover_timeout removal ("Framework has been
 * removed"), and every non-subscribe call's framework/stream checks. Offers, filters and the
 * calls live in sim-offers.ts and sim-calls.ts; the agents (real processes) in sim-agents.ts.
 */
import * as crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zookeeper from 'node-zookeeper-client';
import { codecFor, type FrameworkInfo, type MesosCodec, type SchedulerCall, type TaskStatus } from '@kindling/cluster-manager-mesos';
import { seededRandom } from '../../helpers/data.js';
import { connectZooKeeper, publishMaster } from '../mesos-zookeeper.test-helper.js';
import type { SimulatedCluster, UpdateSink } from './sim-agents.js';
import { handleCall } from './sim-calls.js';
import { Allocator, type SimFramework } from './sim-offers.js';
import { SimStream } from './sim-stream.js';

export interface MasterSimulatorOptions {
  cluster: SimulatedCluster;
  /** Mesos: 15 s, not configurable; small in tests. */
  heartbeatIntervalMs?: number;
  /** Mesos' allocation interval, 1 s. */
  allocationIntervalMs?: number;
  /** Randomly fragment and coalesce stream writes (seeded). */
  fragmentSeed?: number;
  /** After a leader switch, agents reregister after this long (until then reconciliation of their tasks is silent). */
  agentReregisterDelayMs?: number;
  /** Publish `json.info_<seq>` in this ZooKeeper, as a real master does. */
  zookeeper?: { connectString: string; path: string };
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class MesosMasterSimulator implements UpdateSink {
  readonly frameworks = new Map<string, SimFramework>();
  /** Framework ids torn down or timed out: resubscribing with one is refused. */
  readonly completed = new Set<string>();
  /** Every call accepted, in order, for assertions. */
  readonly calls: SchedulerCall[] = [];
  /** performance.now() when each of `calls` arrived. */
  readonly callTimes: number[] = [];
  /** Agents registered with this master (all of them, once reregistered after a switch). */
  readonly registeredAgents = new Set<string>();
  readonly allocator: Allocator;
  readonly id = `sim-master-${crypto.randomUUID().slice(0, 8)}`;
  private zk: zookeeper.Client | undefined;
  private readonly random: (() => number) | undefined;
  private nextFramework = 0;

  private constructor(
    readonly options: MasterSimulatorOptions,
    private readonly server: http.Server,
  ) {
    this.random = options.fragmentSeed === undefined ? undefined : seededRandom(options.fragmentSeed);
    this.allocator = new Allocator(this, options.allocationIntervalMs ?? 100);
  }

  static async start(options: MasterSimulatorOptions): Promise<MesosMasterSimulator> {
    const server = http.createServer();
    const sim = new MesosMasterSimulator(options, server);
    server.on('request', (req, res) => void sim.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    if (!options.cluster.leader) sim.lead();
    if (options.zookeeper) {
      sim.zk = await connectZooKeeper(options.zookeeper.connectString);
      await publishMaster(sim.zk, options.zookeeper.path, { id: sim.id, hostname: '127.0.0.1', port: sim.port });
    }
    return sim;
  }

  get cluster(): SimulatedCluster {
    return this.options.cluster;
  }
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }
  get url(): string {
    return `mesos://127.0.0.1:${this.port}`;
  }
  get isLeader(): boolean {
    return this.cluster.leader === this;
  }

  /** Become the leader with no framework state; agents reregister (at once, or after the delay). */
  lead(): void {
    this.cluster.leader = this;
    this.allocator.start();
    const register = () => {
      for (const id of this.cluster.agents.keys()) this.registeredAgents.add(id);
    };
    const delay = this.options.agentReregisterDelayMs ?? 0;
    if (delay > 0) setTimeout(register, delay).unref();
    else register();
  }

  /** Stop being the leader (a master failover): streams drop, framework and offer state is lost. */
  abdicate(): void {
    this.allocator.stop();
    for (const f of this.frameworks.values()) {
      clearTimeout(f.failoverTimer);
      f.stream?.close();
    }
    this.frameworks.clear();
    this.registeredAgents.clear();
    if (this.cluster.leader === this) this.cluster.leader = undefined;
  }

  /** A partition: stop writing on every stream (heartbeats included) without closing it. */
  freezeStreams(): void {
    for (const f of this.frameworks.values()) f.stream?.freeze();
  }

  async stop(): Promise<void> {
    this.abdicate();
    this.zk?.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** From the agents: deliver an update if the framework is connected to this master. */
  forwardUpdate(frameworkId: string, status: TaskStatus): boolean {
    const f = this.frameworks.get(frameworkId);
    if (!f?.stream?.open || !this.registeredAgents.has(status.agent_id?.value ?? '')) return false;
    f.stream.send({ type: 'UPDATE', update: { status } });
    return true;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      if (req.url !== '/api/v1/scheduler') throw new HttpError(404, 'Not found');
      if (req.method !== 'POST') throw new HttpError(405, `Expecting one of { 'POST' }, but received '${req.method}'`);
      if (!this.isLeader) {
        const leader = this.cluster.leader;
        if (!(leader instanceof MesosMasterSimulator)) throw new HttpError(503, 'No leader elected');
        req.resume();
        res.writeHead(307, { Location: `//127.0.0.1:${leader.port}/api/v1/scheduler` }).end();
        return;
      }
      const contentType = req.headers['content-type'];
      if (!contentType) throw new HttpError(400, "Expecting 'Content-Type' to be present");
      if (contentType !== 'application/json' && contentType !== 'application/x-protobuf') {
        throw new HttpError(415, `Expecting 'Content-Type' of application/json or application/x-protobuf`);
      }
      const body = await readAll(req);
      const call = decodeCall(codecFor(contentType), body);
      if (call.type === 'SUBSCRIBE') return this.subscribe(req, res, call);
      this.checkCaller(req, call);
      this.record(call);
      const status = handleCall(this, this.frameworks.get(call.framework_id!.value)!, call);
      res.writeHead(status).end();
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 500;
      if (!res.headersSent) res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end((e as Error).message);
      else res.destroy();
    }
  }

  private record(call: SchedulerCall): void {
    this.calls.push(call);
    this.callTimes.push(performance.now());
  }

  private checkCaller(req: http.IncomingMessage, call: SchedulerCall): void {
    if (!call.framework_id?.value) throw new HttpError(400, "Failed to validate scheduler::Call: Expecting 'framework_id' to be present");
    const f = this.frameworks.get(call.framework_id.value);
    if (!f) throw new HttpError(400, 'Framework cannot be found');
    if (!f.stream?.open) throw new HttpError(403, 'Framework is not subscribed');
    const streamId = req.headers['mesos-stream-id'];
    if (!streamId) throw new HttpError(400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header");
    if (streamId !== f.stream.streamId) {
      throw new HttpError(400, `The stream ID '${streamId}' included in this request didn't match the stream ID currently associated with framework ID ${f.id}`);
    }
    const member = call.type.toLowerCase();
    if (!['teardown', 'revive', 'suppress'].includes(member) && !(member in call)) {
      throw new HttpError(400, `Failed to validate scheduler::Call: Expecting '${member}' to be present`);
    }
  }

  private subscribe(req: http.IncomingMessage, res: http.ServerResponse, call: SchedulerCall): void {
    if (req.headers['mesos-stream-id']) throw new HttpError(400, "Subscribe calls should not include the 'Mesos-Stream-Id' header");
    const info = call.subscribe?.framework_info;
    const missing = ['user', 'name'].filter((k) => !info?.[k as 'user']);
    if (!info || missing.length) {
      throw new HttpError(400, `Failed to convert JSON into Call protobuf: Missing required fields: ${missing.map((m) => `subscribe.framework_info.${m}`).join(', ') || 'subscribe'}`);
    }
    if ((call.framework_id?.value ?? undefined) !== (info.id?.value ?? undefined)) {
      throw new HttpError(400, "Failed to validate scheduler::Call: 'framework_id' differs from 'subscribe.framework_info.id'");
    }
    const codec = negotiate(req.headers.accept);
    const streamId = crypto.randomUUID();
    res.writeHead(200, { 'Content-Type': codec.contentType, 'Mesos-Stream-Id': streamId, 'Transfer-Encoding': 'chunked' });
    let f = info.id ? this.frameworks.get(info.id.value) : undefined;
    const stream = new SimStream(streamId, res, codec, this.random, () => this.disconnected(f!, stream));
    const refusal = this.validateInfo(info);
    if (refusal) return stream.error(refusal);
    if (info.id && this.completed.has(info.id.value)) return stream.error('Framework has been removed');
    this.record(call);
    if (f) {
      // Failover: the old subscription learns it lost, its offers are void.
      clearTimeout(f.failoverTimer);
      f.stream?.error('Framework failed over');
      this.allocator.rescindAll(f, false);
      f.info = info;
    } else {
      const id = info.id?.value ?? `${this.id}-F${this.nextFramework++}`; // after a master failover, frameworks reappear
      f = { id, info, stream: undefined, offers: new Map(), filters: new Map(), suppressed: false, failoverTimer: undefined };
      this.frameworks.set(id, f);
    }
    f.stream = stream;
    f.suppressed = false;
    stream.send({
      type: 'SUBSCRIBED',
      subscribed: {
        framework_id: { value: f.id },
        heartbeat_interval_seconds: (this.options.heartbeatIntervalMs ?? 15_000) / 1000,
        master_info: { id: this.id, ip: 0x0100007f, port: this.port, hostname: '127.0.0.1', version: '1.11.0', address: { hostname: '127.0.0.1', ip: '127.0.0.1', port: this.port } },
      },
    });
    stream.startHeartbeats(this.options.heartbeatIntervalMs ?? 15_000);
    this.cluster.resendPending(f.id);
    this.allocator.allocateSoon();
  }

  private validateInfo(info: FrameworkInfo): string | undefined {
    const multiRole = info.capabilities?.some((c) => c.type === 'MULTI_ROLE');
    if (info.roles?.length && !multiRole) return "'FrameworkInfo.roles' must not be set when the framework does not have the MULTI_ROLE capability";
    if (info.role !== undefined && multiRole) return "'FrameworkInfo.role' must not be set when the framework has the MULTI_ROLE capability";
    if (info.roles && new Set(info.roles).size !== info.roles.length) return "'FrameworkInfo.roles' contains duplicate items";
    return undefined;
  }

  /** The subscription connection broke: offers are rescinded, failover_timeout starts. */
  private disconnected(f: SimFramework | undefined, stream: SimStream): void {
    if (!f || f.stream !== stream || this.frameworks.get(f.id) !== f) return;
    this.allocator.rescindAll(f, false);
    const timeoutMs = (f.info.failover_timeout ?? 0) * 1000;
    f.failoverTimer = setTimeout(() => this.removeFramework(f), timeoutMs);
    f.failoverTimer.unref();
  }

  /** TEARDOWN or failover_timeout: kill its tasks, forget it, refuse the id from now on. */
  removeFramework(f: SimFramework): void {
    clearTimeout(f.failoverTimer);
    for (const t of this.cluster.tasksOf(f.id)) this.cluster.kill(t, 0);
    this.allocator.rescindAll(f, false);
    this.frameworks.delete(f.id);
    this.completed.add(f.id);
    f.stream?.close();
  }
}

function negotiate(accept: string | undefined): MesosCodec {
  if (!accept || accept.includes('*/*') || accept.includes('application/json')) return codecFor('application/json');
  if (accept.includes('application/x-protobuf')) return codecFor('application/x-protobuf');
  throw new HttpError(406, 'Expecting \'Accept\' to allow application/json or application/x-protobuf');
}

function decodeCall(codec: MesosCodec, body: Buffer): SchedulerCall {
  let call: SchedulerCall;
  try {
    call = codec.decodeCall(body);
  } catch (e) {
    throw new HttpError(400, `Failed to parse body into Call: ${(e as Error).message}`);
  }
  if (typeof call.type === 'number') throw new HttpError(400, "Failed to convert JSON into Call protobuf: Not expecting a JSON number for field 'type'");
  if (!call.type) throw new HttpError(400, "Failed to validate scheduler::Call: Expecting 'type' to be present");
  return call;
}

function readAll(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}
