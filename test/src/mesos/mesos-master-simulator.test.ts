import * as fs from 'node:fs';
import http from 'node:http';
import * as path from 'node:path';
import { expect } from 'chai';
import { codecFor, RecordIoDecoder, type SchedulerCall, type SchedulerEvent } from '@kindling/cluster-manager-mesos';
import { MesosMasterSimulator, SimulatedCluster } from './simulator/index.js';

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One raw POST, so the tests see exactly what the simulated master answers. */
function post(port: number, body: string | Buffer, headers: Record<string, string>, method = 'POST', path = '/api/v1/scheduler'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A raw subscription: its stream id and its events as they arrive. */
async function subscribe(port: number, call: SchedulerCall, contentType = 'application/json') {
  const codec = codecFor(contentType);
  const events: SchedulerEvent[] = [];
  const decoder = new RecordIoDecoder();
  let ended = false;
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/api/v1/scheduler', headers: { 'Content-Type': contentType, Accept: contentType }, agent: false },
      resolve,
    );
    req.on('error', reject);
    req.end(codec.encodeCall(call));
  });
  res.on('data', (d: Buffer) => {
    for (const r of decoder.push(d)) events.push(codec.decodeEvent(r));
  });
  res.on('close', () => (ended = true));
  const until = async (pred: () => boolean, what: string) => {
    const deadline = Date.now() + 10_000;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; events: ${JSON.stringify(events.map((e) => e.type))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { res, events, streamId: String(res.headers['mesos-stream-id']), until, get ended() { return ended; } };
}

const FRAMEWORK = { user: 'u', name: 'n', roles: ['*'], capabilities: [{ type: 'MULTI_ROLE' }], failover_timeout: 60 };
const JSON_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' };

describe('Mesos master simulator (protocol fidelity over real loopback HTTP)', function () {
  this.timeout(30_000);
  let cluster: SimulatedCluster;
  let master: MesosMasterSimulator;
  beforeEach(async () => {
    cluster = new SimulatedCluster({ agents: [{ cpus: 2, memMb: 1024 }, { cpus: 1, memMb: 512 }], statusRetryMs: { initial: 200, max: 1000 } });
    master = await MesosMasterSimulator.start({ cluster, heartbeatIntervalMs: 300, allocationIntervalMs: 50, fragmentSeed: 3 });
  });
  afterEach(async () => {
    await master.stop();
    await cluster.stop();
  });

  it('transport: POST only (405), exact Content-Type (400/415), Accept (406), plain-text bodies', async () => {
    const call = JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: FRAMEWORK } });
    expect((await post(master.port, '', {}, 'GET')).status).to.equal(405);
    expect(await post(master.port, call, {})).to.include({ status: 400, body: "Expecting 'Content-Type' to be present" });
    expect((await post(master.port, call, { 'Content-Type': 'application/json; charset=utf-8' })).status).to.equal(415);
    expect((await post(master.port, call, { 'Content-Type': 'application/json', Accept: 'text/html' })).status).to.equal(406);
    expect((await post(master.port, '{"type":3}', JSON_HEADERS)).body).to.match(/Not expecting a JSON number/);
  });

  it('SUBSCRIBE: camelCase keys are dropped → missing required fields; a Mesos-Stream-Id header is refused; ids must agree', async () => {
    const camel = await post(master.port, JSON.stringify({ type: 'SUBSCRIBE', subscribe: { frameworkInfo: FRAMEWORK } }), JSON_HEADERS);
    expect(camel).to.include({ status: 400 });
    expect(camel.body).to.match(/Missing required fields: subscribe.framework_info.user/);
    const withStream = await post(master.port, JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: FRAMEWORK } }), { ...JSON_HEADERS, 'Mesos-Stream-Id': 'x' });
    expect(withStream).to.include({ status: 400, body: "Subscribe calls should not include the 'Mesos-Stream-Id' header" });
    const differs = await post(master.port, JSON.stringify({ type: 'SUBSCRIBE', framework_id: { value: 'a' }, subscribe: { framework_info: FRAMEWORK } }), JSON_HEADERS);
    expect(differs.body).to.match(/'framework_id' differs from 'subscribe.framework_info.id'/);
  });

  it('roles without MULTI_ROLE: the stream starts with ERROR and closes', async () => {
    const s = await subscribe(master.port, { type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'u', name: 'n', roles: ['r'] } } });
    await s.until(() => s.ended, 'the stream to close');
    expect(s.events).to.deep.equal([{ type: 'ERROR', error: { message: "'FrameworkInfo.roles' must not be set when the framework does not have the MULTI_ROLE capability" } }]);
  });

  it('SUBSCRIBED, an immediate HEARTBEAT, periodic ones, one offer per agent; non-subscribe calls need the right stream id', async () => {
    for (const ct of ['application/json', 'application/x-protobuf']) {
      const s = await subscribe(master.port, { type: 'SUBSCRIBE', subscribe: { framework_info: FRAMEWORK } }, ct);
      await s.until(() => s.events.filter((e) => e.type === 'HEARTBEAT').length >= 2 && s.events.some((e) => e.type === 'OFFERS'), 'heartbeats and offers');
      expect(s.events[0]!.type).to.equal('SUBSCRIBED');
      expect(s.events[0]!.subscribed!.heartbeat_interval_seconds).to.equal(0.3);
      expect(s.events[1]!.type).to.equal('HEARTBEAT');
      const offers = s.events.filter((e) => e.type === 'OFFERS').flatMap((e) => e.offers!.offers!);
      expect(new Set(offers.map((o) => o.agent_id.value)).size).to.equal(offers.length);
      const fw = s.events[0]!.subscribed!.framework_id;
      const body = codecFor(ct).encodeCall({ type: 'REVIVE', framework_id: fw, revive: {} });
      const headers = { 'Content-Type': ct };
      expect(await post(master.port, body, headers)).to.include({ status: 400, body: "All non-subscribe calls should include the 'Mesos-Stream-Id' header" });
      expect((await post(master.port, body, { ...headers, 'Mesos-Stream-Id': 'nope' })).body).to.match(/The stream ID 'nope' included in this request didn't match/);
      expect((await post(master.port, body, { ...headers, 'Mesos-Stream-Id': s.streamId })).status).to.equal(202);
      const unknown = codecFor(ct).encodeCall({ type: 'REVIVE', framework_id: { value: 'who' }, revive: {} });
      expect(await post(master.port, unknown, { ...headers, 'Mesos-Stream-Id': s.streamId })).to.include({ status: 400, body: 'Framework cannot be found' });
      s.res.destroy();
      await s.until(() => !master.frameworks.get(fw.value)?.stream?.open, 'the disconnect');
      expect(await post(master.port, body, { ...headers, 'Mesos-Stream-Id': s.streamId })).to.include({ status: 403, body: 'Framework is not subscribed' });
    }
  });

  it('resubscribing with the id: ERROR "Framework failed over" on the old stream, a new stream id; after TEARDOWN: "Framework has been removed"', async () => {
    const a = await subscribe(master.port, { type: 'SUBSCRIBE', subscribe: { framework_info: FRAMEWORK } });
    await a.until(() => a.events.length > 0, 'SUBSCRIBED');
    const id = a.events[0]!.subscribed!.framework_id;
    const again = { type: 'SUBSCRIBE' as const, framework_id: id, subscribe: { framework_info: { ...FRAMEWORK, id } } };
    const b = await subscribe(master.port, again);
    await a.until(() => a.ended, 'the old stream to close');
    expect(a.events[a.events.length - 1]).to.deep.equal({ type: 'ERROR', error: { message: 'Framework failed over' } });
    expect(b.streamId).to.not.equal(a.streamId);
    const teardown = await post(master.port, JSON.stringify({ type: 'TEARDOWN', framework_id: id }), { ...JSON_HEADERS, 'Mesos-Stream-Id': b.streamId });
    expect(teardown.status).to.equal(202);
    const c = await subscribe(master.port, again);
    await c.until(() => c.ended, 'the refused stream to close');
    expect(c.events).to.deep.equal([{ type: 'ERROR', error: { message: 'Framework has been removed' } }]);
  });

  it('decline filters hold an agent back until REVIVE; a stale offer yields TASK_LOST with REASON_INVALID_OFFERS and no uuid', async () => {
    const s = await subscribe(master.port, { type: 'SUBSCRIBE', subscribe: { framework_info: FRAMEWORK } });
    await s.until(() => s.events.filter((e) => e.type === 'OFFERS').flatMap((e) => e.offers!.offers!).length >= 2, 'two offers');
    const fw = s.events[0]!.subscribed!.framework_id;
    const offers = s.events.filter((e) => e.type === 'OFFERS').flatMap((e) => e.offers!.offers!);
    const h = { ...JSON_HEADERS, 'Mesos-Stream-Id': s.streamId };
    await post(master.port, JSON.stringify({ type: 'DECLINE', framework_id: fw, decline: { offer_ids: offers.map((o) => o.id), filters: { refuse_seconds: 120 } } }), h);
    const before = master.allocator.offered.length;
    await new Promise((r) => setTimeout(r, 400)); // several allocation intervals
    expect(master.allocator.offered.length).to.equal(before);
    await post(master.port, JSON.stringify({ type: 'REVIVE', framework_id: fw, revive: { roles: ['*'] } }), h);
    await s.until(() => master.allocator.offered.length >= before + 2, 'offers after REVIVE');
    const stale = offers[0]!;
    const task = { name: 't', task_id: { value: 't1' }, agent_id: stale.agent_id, resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }], command: { value: 'true' } };
    await post(master.port, JSON.stringify({ type: 'ACCEPT', framework_id: fw, accept: { offer_ids: [stale.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [task] } }] } }), h);
    await s.until(() => s.events.some((e) => e.type === 'UPDATE'), 'the TASK_LOST');
    const update = s.events.find((e) => e.type === 'UPDATE')!.update!.status;
    expect(update).to.include({ state: 'TASK_LOST', reason: 'REASON_INVALID_OFFERS', source: 'SOURCE_MASTER' });
    expect(update.uuid).to.equal(undefined);
    expect(update.message).to.match(/Task launched with invalid offers: Offer .* is no longer valid/);
  });

  it('runs a launched command for real; updates carry uuids, are resent until ACKed, and the next state waits for the ACK', async () => {
    const s = await subscribe(master.port, { type: 'SUBSCRIBE', subscribe: { framework_info: FRAMEWORK } });
    await s.until(() => s.events.some((e) => e.type === 'OFFERS'), 'an offer');
    const fw = s.events[0]!.subscribed!.framework_id;
    const offer = s.events.find((e) => e.type === 'OFFERS')!.offers!.offers![0]!;
    const h = { ...JSON_HEADERS, 'Mesos-Stream-Id': s.streamId };
    const task = {
      name: 'echo',
      task_id: { value: 'echo-1' },
      agent_id: offer.agent_id,
      resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.5 }, role: '*', allocation_info: { role: '*' } }],
      command: { value: 'echo "$GREETING 日本" > out.txt; exit 3', environment: { variables: [{ name: 'GREETING', value: 'hi' }] } },
    };
    await post(master.port, JSON.stringify({ type: 'ACCEPT', framework_id: fw, accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [task] } }] } }), h);
    const updates = () => s.events.filter((e) => e.type === 'UPDATE').map((e) => e.update!.status);
    await s.until(() => updates().length >= 2, 'a resend');
    // Not acknowledged: the same TASK_STARTING update comes again, with the same uuid, and nothing after it.
    expect(updates()[0]!.state).to.equal('TASK_STARTING');
    expect(updates()[1]!.uuid).to.equal(updates()[0]!.uuid);
    expect(Buffer.from(updates()[0]!.uuid!, 'base64')).to.have.length(16);
    const bad = await post(master.port, JSON.stringify({ type: 'ACKNOWLEDGE', framework_id: fw, acknowledge: { agent_id: offer.agent_id, task_id: task.task_id, uuid: 'AAAA' } }), h);
    expect(bad.status).to.equal(400);
    const states: string[] = [];
    for (let acked = 0; !states.includes('TASK_FAILED'); ) {
      await s.until(() => updates().length > acked, 'the next update');
      const u = updates()[updates().length - 1]!;
      acked = updates().length;
      if (states[states.length - 1] !== u.state) states.push(u.state);
      await post(master.port, JSON.stringify({ type: 'ACKNOWLEDGE', framework_id: fw, acknowledge: { agent_id: u.agent_id, task_id: u.task_id, uuid: u.uuid } }), h);
    }
    expect(states).to.deep.equal(['TASK_STARTING', 'TASK_RUNNING', 'TASK_FAILED']);
    const t = cluster.task(fw.value, 'echo-1')!;
    expect(t.latest.message).to.equal('Command exited with status 3');
    expect(fs.readFileSync(path.join(t.sandbox, 'out.txt'), 'utf8')).to.equal('hi 日本\n'); // it really ran, with its environment
    // Reconciliation: master-sourced, REASON_RECONCILIATION, no uuid; an unknown task is TASK_LOST.
    const n = updates().length;
    await post(master.port, JSON.stringify({ type: 'RECONCILE', framework_id: fw, reconcile: { tasks: [{ task_id: { value: 'echo-1' }, agent_id: offer.agent_id }, { task_id: { value: 'ghost' }, agent_id: offer.agent_id }] } }), h);
    await s.until(() => updates().length >= n + 2, 'reconciliation answers');
    expect(updates().slice(n).map((u) => [u.task_id.value, u.state, u.reason, u.uuid])).to.deep.equal([
      ['echo-1', 'TASK_FAILED', 'REASON_RECONCILIATION', undefined],
      ['ghost', 'TASK_LOST', 'REASON_RECONCILIATION', undefined],
    ]);
  });

  it('a standby master answers 307 with a protocol-relative Location; with no leader, 503', async () => {
    const standby = await MesosMasterSimulator.start({ cluster });
    try {
      const call = JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: FRAMEWORK } });
      const r = await post(standby.port, call, JSON_HEADERS);
      expect(r.status).to.equal(307);
      expect(r.headers.location).to.equal(`//127.0.0.1:${master.port}/api/v1/scheduler`);
      master.abdicate();
      expect(await post(standby.port, call, JSON_HEADERS)).to.include({ status: 503, body: 'No leader elected' });
    } finally {
      await standby.stop();
    }
  });
});
