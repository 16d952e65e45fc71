import { expect } from 'chai';
import nock from 'nock';
import type { RmEndpoint } from '../config/rm-endpoints.js';
import { YarnError, YarnRestError } from '../yarn-errors.js';
import { monitorApplication } from './app-monitor.js';
import { submissionBody, shellLine, type AppSubmission } from './app-submission.js';
import { RmRestClient } from './rm-rest-client.js';

const RM = 'http://rm.test:8088';
const single: RmEndpoint[] = [{ webappUrl: RM, address: { host: 'rm.test', port: 8032 }, scheduler: { host: 'rm.test', port: 8030 } }];
const APP = 'application_1404198295326_0003';

const submission: AppSubmission = {
  applicationId: APP,
  name: 'word count',
  queue: 'analytics',
  memoryMiB: 896,
  vCores: 1,
  maxAppAttempts: 1,
  tags: ['kindling', 'team-a'],
  localResources: { app: { url: 'file:///staging/app.tgz', type: 'ARCHIVE', visibility: 'APPLICATION', size: 1234, timestamp: 1700000000123 } },
  environment: { KINDLING_YARN_MODE: 'client' },
  command: shellLine([['/usr/bin/node', 'node'], ['app/am.js', 'AM']]),
};

// The exact body of the RM REST docs' "Submit Application" example, with our values.
const expectedBody = {
  'application-id': APP,
  'application-name': 'word count',
  queue: 'analytics',
  'am-container-spec': {
    'local-resources': { entry: [{ key: 'app', value: { resource: 'file:///staging/app.tgz', type: 'ARCHIVE', visibility: 'APPLICATION', size: 1234, timestamp: 1700000000123 } }] },
    environment: { entry: [{ key: 'KINDLING_YARN_MODE', value: 'client' }] },
    commands: { command: '/usr/bin/node app/am.js 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr' },
  },
  'unmanaged-AM': false,
  'max-app-attempts': 1,
  resource: { memory: 896, vCores: 1 },
  'application-type': 'KINDLING',
  'keep-containers-across-application-attempts': false,
  'application-tags': { tag: ['kindling', 'team-a'] },
};

describe('yarn/RM REST client (strict nock mocks)', () => {
  // Another suite may have restored node:http (nock.restore()); intercept again, and un-patch after.
  before(() => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
  });
  after(() => {
    nock.enableNetConnect();
    nock.restore();
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending, 'every mocked call was made').to.deep.equal([]);
  });

  it('asks for a new application and submits the AM container spec with ?user.name=', async () => {
    const scope = nock(RM)
      .post('/ws/v1/cluster/apps/new-application')
      .query({ 'user.name': 'alice' })
      .reply(200, { 'application-id': APP, 'maximum-resource-capability': { memory: 8192, vCores: 32 } })
      .post('/ws/v1/cluster/apps', expectedBody)
      .query({ 'user.name': 'alice' })
      .matchHeader('content-type', /application\/json/)
      .reply(202, '', { Location: `${RM}/ws/v1/cluster/apps/${APP}` });
    const rm = new RmRestClient(single, { user: 'alice' });
    expect(await rm.newApplication()).to.deep.equal({ applicationId: APP, maxMemoryMiB: 8192, maxVCores: 32 });
    await rm.submit(submissionBody(submission));
    expect(scope.isDone()).to.equal(true);
  });

  it('accepts Jersey-2 shapes: a root wrapper, numbers as strings', async () => {
    const scope = nock(RM)
      .post('/ws/v1/cluster/apps/new-application')
      .reply(200, { NewApplication: { 'application-id': APP, 'maximum-resource-capability': { memory: '4096', vCores: '4' } } });
    expect(await new RmRestClient(single).newApplication()).to.deep.equal({ applicationId: APP, maxMemoryMiB: 4096, maxVCores: 4 });
    expect(scope.isDone()).to.equal(true);
  });

  it('polls the state, printing each change with the tracking URL, until FINISHED', async () => {
    const app = (state: string, finalStatus = 'UNDEFINED') => ({ app: { id: APP, state, finalStatus, trackingUrl: `${RM}/proxy/${APP}/`, diagnostics: '', queue: 'analytics' } });
    const scope = nock(RM)
      .get(`/ws/v1/cluster/apps/${APP}`)
      .reply(200, app('ACCEPTED'))
      .get(`/ws/v1/cluster/apps/${APP}`)
      .reply(200, app('RUNNING'))
      .get(`/ws/v1/cluster/apps/${APP}`)
      .reply(200, app('RUNNING'))
      .get(`/ws/v1/cluster/apps/${APP}`)
      .reply(200, app('FINISHED', 'SUCCEEDED'));
    const lines: string[] = [];
    const report = await monitorApplication(new RmRestClient(single), APP, 'analytics', { intervalMs: 1, log: (l) => lines.push(l) });
    expect(report.finalStatus).to.equal('SUCCEEDED');
    expect(lines).to.deep.equal([
      `${APP} state ACCEPTED (tracking URL: ${RM}/proxy/${APP}/)`,
      `${APP} state RUNNING (tracking URL: ${RM}/proxy/${APP}/)`,
      `${APP} state FINISHED (tracking URL: ${RM}/proxy/${APP}/)`,
    ]);
    expect(scope.isDone()).to.equal(true);
  });

  it('turns an unknown queue (202, then FAILED) into an error naming the queue', async () => {
    const scope = nock(RM)
      .post('/ws/v1/cluster/apps', (b) => b.queue === 'nosuchqueue')
      .reply(202)
      .get(`/ws/v1/cluster/apps/${APP}`)
      .reply(200, { app: { id: APP, state: 'FAILED', finalStatus: 'FAILED', diagnostics: `Application ${APP} submitted by user root to unknown queue: nosuchqueue` } });
    const rm = new RmRestClient(single);
    await rm.submit(submissionBody({ ...submission, queue: 'nosuchqueue' }));
    const err = await monitorApplication(rm, APP, 'nosuchqueue', { intervalMs: 1, log: () => {} }).catch((e) => e);
    expect(err).to.be.instanceOf(YarnError);
    expect(err.message).to.match(/unknown queue 'nosuchqueue' \(set kindling\.yarn\.queue/);
    expect(scope.isDone()).to.equal(true);
  });

  it('reports a resource request over the maximum from a RemoteException body', async () => {
    const scope = nock(RM)
      .post('/ws/v1/cluster/apps')
      .reply(400, {
        RemoteException: {
          exception: 'BadRequestException',
          message: 'java.lang.Exception: Requested more memory than configured max',
          javaClassName: 'org.apache.hadoop.yarn.webapp.BadRequestException',
        },
      });
    const err = await new RmRestClient(single).submit(submissionBody(submission)).catch((e) => e);
    expect(err).to.be.instanceOf(YarnRestError);
    expect(err.status).to.equal(400);
    expect(err.message).to.equal('ResourceManager submit failed with HTTP 400: BadRequestException: java.lang.Exception: Requested more memory than configured max');
    expect(scope.isDone()).to.equal(true);
  });

  it('parses an XML RemoteException and names a missing app', async () => {
    const scope = nock(RM)
      .get(`/ws/v1/cluster/apps/${APP}`)
      .reply(404, `<?xml version="1.0"?><RemoteException><exception>NotFoundException</exception><message>java.lang.Exception: app with id: ${APP} not found</message><javaClassName>org.apache.hadoop.yarn.webapp.NotFoundException</javaClassName></RemoteException>`, { 'Content-Type': 'application/xml' });
    const err = await new RmRestClient(single).app(APP).catch((e) => e);
    expect(err.message).to.match(new RegExp(`HTTP 404: NotFoundException: java.lang.Exception: app with id: ${APP} not found \\(not found`));
    expect(scope.isDone()).to.equal(true);
  });

  it('says how to fix a 403/401 on a write call', async () => {
    const scope = nock(RM).put(`/ws/v1/cluster/apps/${APP}/state`, { state: 'KILLED' }).query({ 'user.name': 'eve' }).reply(403, { RemoteException: { exception: 'ForbiddenException', message: 'Unauthorized' } });
    const err = await new RmRestClient(single, { user: 'eve' }).kill(APP).catch((e) => e);
    expect(err.message).to.match(/HTTP 403: ForbiddenException: Unauthorized \(not authorised/);
    expect(scope.isDone()).to.equal(true);
  });

  it('kills with PUT state KILLED, repeating while the RM answers 202', async () => {
    const scope = nock(RM)
      .put(`/ws/v1/cluster/apps/${APP}/state`, { state: 'KILLED' })
      .query({ 'user.name': 'alice' })
      .reply(202, { state: 'RUNNING' }, { Location: `${RM}/ws/v1/cluster/apps/${APP}/state` })
      .put(`/ws/v1/cluster/apps/${APP}/state`, { state: 'KILLED' })
      .query({ 'user.name': 'alice' })
      .reply(200, { state: 'KILLED' });
    expect(await new RmRestClient(single, { user: 'alice' }).kill(APP)).to.equal('KILLED');
    expect(scope.isDone()).to.equal(true);
  });

  describe('RM HA failover', () => {
    const ha: RmEndpoint[] = [
      { id: 'rm1', webappUrl: 'http://rm1.test:8088', address: { host: 'rm1.test', port: 8032 }, scheduler: { host: 'rm1.test', port: 8030 } },
      { id: 'rm2', webappUrl: 'http://rm2.test:8088', address: { host: 'rm2.test', port: 8032 }, scheduler: { host: 'rm2.test', port: 8030 } },
    ];
    const info = (haState: string) => ({ clusterInfo: { id: 1, state: 'STARTED', haState } });

    it('skips a standby RM and uses the active one', async () => {
      const s1 = nock('http://rm1.test:8088').get('/ws/v1/cluster/info').reply(200, info('STANDBY'));
      const s2 = nock('http://rm2.test:8088').get('/ws/v1/cluster/info').reply(200, info('ACTIVE')).get(`/ws/v1/cluster/apps/${APP}`).reply(200, { app: { id: APP, state: 'RUNNING' } });
      const rm = new RmRestClient(ha);
      expect((await rm.app(APP)).state).to.equal('RUNNING');
      expect(rm.activeEndpoint?.id).to.equal('rm2');
      expect(s1.isDone() && s2.isDone()).to.equal(true);
    });

    it('fails over when the active RM becomes standby (307) or unreachable', async () => {
      const s1 = nock('http://rm1.test:8088')
        .get('/ws/v1/cluster/info')
        .reply(200, info('ACTIVE'))
        .get(`/ws/v1/cluster/apps/${APP}`)
        .reply(307, 'This is standby RM. The redirect url is: http://rm2.test:8088/ws/v1/cluster/apps', { Location: `http://rm2.test:8088/ws/v1/cluster/apps/${APP}` })
        .get('/ws/v1/cluster/info')
        .reply(200, info('STANDBY'))
        .get('/ws/v1/cluster/info')
        .replyWithError('connect ECONNREFUSED');
      const s2 = nock('http://rm2.test:8088')
        .get('/ws/v1/cluster/info')
        .reply(200, info('ACTIVE'))
        .get(`/ws/v1/cluster/apps/${APP}`)
        .reply(200, { app: { id: APP, state: 'RUNNING' } })
        .get(`/ws/v1/cluster/apps/${APP}`)
        .replyWithError('socket hang up')
        .get('/ws/v1/cluster/info')
        .reply(200, info('ACTIVE'))
        .get(`/ws/v1/cluster/apps/${APP}`)
        .reply(200, { app: { id: APP, state: 'FINISHED' } });
      const rm = new RmRestClient(ha);
      expect((await rm.app(APP)).state).to.equal('RUNNING');
      expect(rm.activeEndpoint?.id).to.equal('rm2');
      expect((await rm.app(APP)).state).to.equal('FINISHED');
      expect(s1.isDone() && s2.isDone()).to.equal(true);
    });

    it('names every RM and its state when none is active', async () => {
      const s1 = nock('http://rm1.test:8088').get('/ws/v1/cluster/info').reply(200, info('STANDBY'));
      const s2 = nock('http://rm2.test:8088').get('/ws/v1/cluster/info').replyWithError('connect ECONNREFUSED');
      const err = await new RmRestClient(ha).newApplication().catch((e) => e);
      expect(err.message).to.match(/No active ResourceManager among 2: rm1 \(http:\/\/rm1\.test:8088\): STANDBY; rm2 \(http:\/\/rm2\.test:8088\): connect ECONNREFUSED/);
      expect(s1.isDone() && s2.isDone()).to.equal(true);
    });
  });

  it('refuses command words that would break the NodeManager\'s bash -c "..." line', () => {
    for (const bad of ['a"b', '$(id)', 'x y', "it's", 'a`b`', 'a\\b']) {
      expect(() => shellLine([[bad, 'the app name']])).to.throw(/Cannot put the app name .* on a YARN container command line/);
    }
  });
});
