import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import nock from 'nock';
import { codecFor } from './mesos-codec.js';
import { MesosError } from './mesos-errors.js';
import { MesosSchedulerClient, type SubscribedInfo } from './mesos-scheduler-client.js';
import { StaticMasterDetector } from './master-detector.js';
import type { FrameworkInfo, SchedulerEvent } from './mesos-types.js';
import { encodeRecord } from './recordio.js';

const FRAMEWORK: FrameworkInfo = {
  user: 'alice',
  name: 'wordcount',
  roles: ['analytics'],
  failover_timeout: 3600,
  hostname: 'driver.example',
  webui_url: 'http://driver.example:4040',
  capabilities: [{ type: 'MULTI_ROLE' }],
};

function client(contentType = 'application/json', extra: Partial<ConstructorParameters<typeof MesosSchedulerClient>[0]> = {}) {
  return new MesosSchedulerClient({
    detector: new StaticMasterDetector({ host: 'm1', port: 5050 }),
    codec: codecFor(contentType),
    frameworkInfo: FRAMEWORK,
    callTimeoutMs: 5000,
    backoffMs: { initial: 20, max: 100 },
    ...extra,
  });
}

/** A chunked event stream the test writes into, split at awkward points. */
function eventStream(contentType: string, events: SchedulerEvent[], splitEvery = 7): PassThrough {
  const stream = new PassThrough();
  const bytes = Buffer.concat(events.map((e) => encodeRecord(codecFor(contentType).encodeEvent(e))));
  for (let i = 0; i < bytes.length; i += splitEvery) stream.write(bytes.subarray(i, i + splitEvery));
  return stream;
}

/** nock's body matcher type for a JSON object. */
const body = (o: object) => JSON.parse(JSON.stringify(o)) as nock.DataMatcherMap;

const subscribed = (id: string, interval = 15): SchedulerEvent => ({
  type: 'SUBSCRIBED',
  subscribed: { framework_id: { value: id }, heartbeat_interval_seconds: interval },
});

describe('Mesos scheduler client (nock: exact requests)', function () {
  this.timeout(20_000);
  before(() => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
  });
  // Un-patch node:http for the rest of the run: later suites stream large bodies over real sockets.
  after(() => {
    nock.enableNetConnect();
    nock.restore();
  });
  afterEach(() => nock.cleanAll());

  it('SUBSCRIBE: exact JSON body and headers, no Mesos-Stream-Id; follows a 307 to the leader; later calls carry the stream id', async () => {
    const events: SchedulerEvent[] = [];
    const stream = eventStream('application/json', [subscribed('fw-1'), { type: 'HEARTBEAT' }, { type: 'HEARTBEAT' }]);
    const m1 = nock('http://m1:5050', { badheaders: ['mesos-stream-id'] })
      .post('/api/v1/scheduler', body({ type: 'SUBSCRIBE', subscribe: { framework_info: FRAMEWORK } }))
      .matchHeader('content-type', 'application/json')
      .matchHeader('accept', 'application/json')
      .reply(307, 'Not the leader', { Location: '//m2:5051/api/v1/scheduler' });
    const m2 = nock('http://m2:5051', { badheaders: ['mesos-stream-id'] })
      .post('/api/v1/scheduler', body({ type: 'SUBSCRIBE', subscribe: { framework_info: FRAMEWORK } }))
      .reply(200, () => stream, { 'Content-Type': 'application/json', 'Mesos-Stream-Id': 'stream-abc' });
    const calls = nock('http://m2:5051')
      .post('/api/v1/scheduler', {
        type: 'DECLINE',
        framework_id: { value: 'fw-1' },
        decline: { offer_ids: [{ value: 'o-1' }], filters: { refuse_seconds: 120 } },
      })
      .matchHeader('mesos-stream-id', 'stream-abc')
      .matchHeader('content-type', 'application/json')
      .reply(202);
    const c = client();
    c.on('event', (e) => events.push(e));
    expect(await c.start()).to.equal('fw-1');
    await c.call({ type: 'DECLINE', decline: { offer_ids: [{ value: 'o-1' }], filters: { refuse_seconds: 120 } } });
    await new Promise((r) => setTimeout(r, 50));
    expect(events.map((e) => e.type)).to.deep.equal(['HEARTBEAT', 'HEARTBEAT']);
    stream.end();
    await c.stop();
    expect(m1.isDone()).to.equal(true);
    expect(m2.isDone()).to.equal(true);
    expect(calls.isDone()).to.equal(true);
  });

  it('application/x-protobuf: the SUBSCRIBE body is the protobuf encoding, and protobuf events are decoded', async () => {
    const pb = codecFor('application/x-protobuf');
    const expected = pb.encodeCall({ type: 'SUBSCRIBE', subscribe: { framework_info: FRAMEWORK } }).toString('hex');
    const stream = eventStream('application/x-protobuf', [subscribed('fw-pb')], 3);
    const scope = nock('http://m1:5050')
      .post('/api/v1/scheduler', (body) => Buffer.from(body, 'hex').toString('hex') === expected)
      .matchHeader('content-type', 'application/x-protobuf')
      .matchHeader('accept', 'application/x-protobuf')
      .reply(200, () => stream, { 'Content-Type': 'application/x-protobuf', 'Mesos-Stream-Id': 's' });
    const c = client('application/x-protobuf');
    expect(await c.start()).to.equal('fw-pb');
    stream.end();
    await c.stop();
    expect(scope.isDone()).to.equal(true);
  });

  it('retries 503 with backoff, then subscribes', async () => {
    const stream = eventStream('application/json', [subscribed('fw-2')]);
    const scope = nock('http://m1:5050')
      .post('/api/v1/scheduler')
      .reply(503, 'No leader elected')
      .post('/api/v1/scheduler')
      .reply(503, 'Master has not finished recovery')
      .post('/api/v1/scheduler')
      .reply(200, () => stream, { 'Content-Type': 'application/json', 'Mesos-Stream-Id': 's' });
    const c = client();
    expect(await c.start()).to.equal('fw-2');
    stream.end();
    await c.stop();
    expect(scope.isDone()).to.equal(true);
  });

  it('any other error status fails with a MesosError quoting the body', async () => {
    const scope = nock('http://m1:5050')
      .post('/api/v1/scheduler')
      .reply(400, "Failed to validate scheduler::Call: 'framework_id' differs from 'subscribe.framework_info.id'");
    const error = await client()
      .start()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).to.be.instanceOf(MesosError);
    expect((error as MesosError).status).to.equal(400);
    expect((error as Error).message).to.match(/answered 400 .*'framework_id' differs from 'subscribe.framework_info.id'/);
    expect(scope.isDone()).to.equal(true);
  });

  it('after ~5 silent heartbeat intervals it resubscribes with framework_id in both places, on a new connection', async () => {
    const first = eventStream('application/json', [subscribed('fw-3', 0.05)]); // then silence, no FIN
    const second = eventStream('application/json', [subscribed('fw-3', 15)]);
    const resubscribe = {
      type: 'SUBSCRIBE',
      framework_id: { value: 'fw-3' },
      subscribe: { framework_info: { ...FRAMEWORK, id: { value: 'fw-3' } } },
    };
    const scope = nock('http://m1:5050')
      .post('/api/v1/scheduler', body({ type: 'SUBSCRIBE', subscribe: { framework_info: FRAMEWORK } }))
      .reply(200, () => first, { 'Content-Type': 'application/json', 'Mesos-Stream-Id': 's1' })
      .post('/api/v1/scheduler', body(resubscribe))
      .reply(200, () => second, { 'Content-Type': 'application/json', 'Mesos-Stream-Id': 's2' });
    const c = client();
    const subs: SubscribedInfo[] = [];
    c.on('subscribed', (s) => subs.push(s));
    const disconnected = new Promise<string>((r) => c.once('disconnected', r));
    await c.start();
    expect(await disconnected).to.match(/no event from the Mesos master for 250 ms/);
    while (subs.length < 2) await new Promise((r) => setTimeout(r, 20));
    expect(subs.map((s) => [s.frameworkId, s.resubscribed])).to.deep.equal([
      ['fw-3', false],
      ['fw-3', true],
    ]);
    second.end();
    await c.stop();
    expect(scope.isDone()).to.equal(true);
  });

  it('ERROR "Framework failed over" is fatal: the client stops and reports it', async () => {
    const stream = eventStream('application/json', [subscribed('fw-4'), { type: 'ERROR', error: { message: 'Framework failed over' } }]);
    const scope = nock('http://m1:5050')
      .post('/api/v1/scheduler')
      .reply(200, () => stream, { 'Content-Type': 'application/json', 'Mesos-Stream-Id': 's' });
    const c = client();
    const fatal = new Promise<MesosError>((r) => c.on('fatal', r));
    await c.start();
    expect((await fatal).message).to.equal('Mesos master sent ERROR: Framework failed over');
    await c.stop();
    expect(scope.isDone()).to.equal(true);
  });

  it('ERROR "Framework has been removed" on resubscribe: it registers a new framework and reports the old id', async () => {
    const first = eventStream('application/json', [subscribed('fw-old')]);
    const refused = eventStream('application/json', [{ type: 'ERROR', error: { message: 'Framework has been removed' } }]);
    const fresh = eventStream('application/json', [subscribed('fw-new')]);
    const scope = nock('http://m1:5050')
      .post('/api/v1/scheduler', body({ type: 'SUBSCRIBE', subscribe: { framework_info: FRAMEWORK } }))
      .reply(200, () => first, { 'Content-Type': 'application/json', 'Mesos-Stream-Id': 's1' })
      .post('/api/v1/scheduler', body({ type: 'SUBSCRIBE', framework_id: { value: 'fw-old' }, subscribe: { framework_info: { ...FRAMEWORK, id: { value: 'fw-old' } } } }))
      .reply(200, () => refused.end(), { 'Content-Type': 'application/json', 'Mesos-Stream-Id': 's2' })
      .post('/api/v1/scheduler', body({ type: 'SUBSCRIBE', subscribe: { framework_info: FRAMEWORK } }))
      .reply(200, () => fresh, { 'Content-Type': 'application/json', 'Mesos-Stream-Id': 's3' });
    const c = client();
    const subs: SubscribedInfo[] = [];
    c.on('subscribed', (s) => subs.push(s));
    expect(await c.start()).to.equal('fw-old');
    first.end(); // the connection drops
    while (subs.length < 2) await new Promise((r) => setTimeout(r, 20));
    expect(subs[1]).to.include({ frameworkId: 'fw-new', resubscribed: true, previousFrameworkId: 'fw-old' });
    expect(c.currentFrameworkId).to.equal('fw-new');
    fresh.end();
    await c.stop();
    expect(scope.isDone()).to.equal(true);
  });

  it('a 200 without Mesos-Stream-Id is a protocol error: it resubscribes', async () => {
    const good = eventStream('application/json', [subscribed('fw-5')]);
    const scope = nock('http://m1:5050')
      .post('/api/v1/scheduler')
      .reply(200, 'x', { 'Content-Type': 'application/json' })
      .post('/api/v1/scheduler')
      .reply(200, () => good, { 'Content-Type': 'application/json', 'Mesos-Stream-Id': 's' });
    const c = client();
    const why = new Promise<string>((r) => c.once('disconnected', r));
    expect(await c.start()).to.equal('fw-5');
    expect(await why).to.match(/no Mesos-Stream-Id header/);
    good.end();
    await c.stop();
    expect(scope.isDone()).to.equal(true);
  });

  it('refuses calls while not subscribed', async () => {
    const e = await client()
      .call({ type: 'REVIVE', revive: {} })
      .catch((x: unknown) => x);
    expect((e as Error).message).to.match(/Cannot send REVIVE to Mesos: the scheduler is not subscribed/);
  });
});
