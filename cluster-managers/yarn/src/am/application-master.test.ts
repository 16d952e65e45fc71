import { expect } from 'chai';
import { RpcServer } from '@kindling/core/cluster-manager';
import type { HadoopToken } from '../ipc/hadoop-token.js';
import { HadoopIpcSimulator, SimulatedRemoteException } from '../testing/hadoop-ipc-server.test-helper.js';
import { registerAmLinkMessages } from './am-link.js';
import { ApplicationMaster } from './application-master.js';
import { EXECUTOR_ID_PLACEHOLDER, HOSTNAME_PLACEHOLDER } from './am-spec.js';

const tok = (id: string, pw: string, kind: string): HadoopToken => ({ identifier: Buffer.from(id), password: Buffer.from(pw), kind, service: '' });
const amRm = tok('amrm', 'amrm-pw', 'YARN_AM_RM_TOKEN');
const nm = tok('nm', 'nm-pw', 'NMToken');
const b64 = (t: HadoopToken) => [t.identifier.toString('base64'), t.password.toString('base64')] as [string, string];
const attempt = { applicationId: { id: 3, clusterTimestamp: 1700000000000 }, attemptId: 1 };

/**
 * The whole AM loop without YARN: a simulated RM scheduler that grants what is asked and reports
 * every started container as exited with code 1 (an executor that keeps crashing), a simulated
 * NM, and a driver on core's RPC. The AM must report each start and exit to the driver, keep
 * replacing executors, and fail the app past kindling.yarn.max.executor.failures.
 */
describe('yarn/ApplicationMaster loop (simulated RM and NM, real driver link)', function () {
  this.timeout(30_000);

  it('replaces crashing executors, reports exit statuses, and fails past the executor-failure limit', async () => {
    registerAmLinkMessages();
    const started: Array<{ id: number; command: string; env: Record<string, string> }> = [];
    const everStarted: typeof started = [];
    const nmSim = await HadoopIpcSimulator.start({
      tokens: new Map([b64(nm)]),
      methods: {
        startContainers: {
          requestType: 'hadoop.yarn.StartContainersRequestProto',
          responseType: 'hadoop.yarn.StartContainersResponseProto',
          handle: (req) => {
            const r = (req['startContainerRequest'] as Array<{ containerToken: { identifier: Buffer }; containerLaunchContext: { command: string[]; environment: Array<{ key: string; value: string }> } }>)[0]!;
            const s = {
              id: Number(r.containerToken.identifier.toString()),
              command: r.containerLaunchContext.command[0]!,
              env: Object.fromEntries(r.containerLaunchContext.environment.map((e) => [e.key, e.value])),
            };
            started.push(s);
            everStarted.push(s);
            return {};
          },
        },
        stopContainers: { requestType: 'hadoop.yarn.StopContainersRequestProto', responseType: 'hadoop.yarn.StopContainersResponseProto', handle: () => ({}) },
      },
    });
    let next = 2;
    let responseId = 0;
    let finish: Record<string, unknown> | undefined;
    const container = (n: number) => ({
      id: { appId: attempt.applicationId, appAttemptId: attempt, id: n },
      nodeId: { host: '127.0.0.1', port: nmSim.port },
      nodeHttpAddress: '127.0.0.1:8042',
      resource: { memory: 640, virtualCores: 1 },
      containerToken: { identifier: Buffer.from(String(n)), password: Buffer.from('x'), kind: 'ContainerToken', service: '' },
    });
    const rmSim = await HadoopIpcSimulator.start({
      tokens: new Map([b64(amRm)]),
      methods: {
        registerApplicationMaster: {
          requestType: 'hadoop.yarn.RegisterApplicationMasterRequestProto',
          responseType: 'hadoop.yarn.RegisterApplicationMasterResponseProto',
          handle: () => ({ maximumCapability: { memory: 4096, virtualCores: 8 }, queue: 'root.default' }),
        },
        allocate: {
          requestType: 'hadoop.yarn.AllocateRequestProto',
          responseType: 'hadoop.yarn.AllocateResponseProto',
          handle: (req) => {
            const ask = ((req['ask'] as Array<{ numContainers: number }> | undefined) ?? [])[0];
            const grant = Math.min(ask?.numContainers ?? 0, 2);
            // Every container started so far exits with code 1 on the next heartbeat.
            const completed = started.splice(0).map((s) => ({ containerId: container(s.id).id, state: 'C_COMPLETE', diagnostics: 'Exception from container-launch. Exit code: 1', exitStatus: 1 }));
            const allocated = Array.from({ length: grant }, () => container(next++));
            return { responseId: ++responseId, allocatedContainers: allocated, completedContainerStatuses: completed, nmTokens: allocated.length ? [{ nodeId: { host: '127.0.0.1', port: nmSim.port }, token: nm }] : [] };
          },
        },
        finishApplicationMaster: {
          requestType: 'hadoop.yarn.FinishApplicationMasterRequestProto',
          responseType: 'hadoop.yarn.FinishApplicationMasterResponseProto',
          handle: (req) => {
            finish = req;
            return { isUnregistered: true };
          },
        },
      },
    });
    const fromAm: Array<{ type: string; payload: Record<string, unknown> }> = [];
    const driver = await RpcServer.listen({
      secret: 'app-secret',
      onConnection: (conn) =>
        conn.onMessage((msg, reply) => {
          fromAm.push({ type: msg.type, payload: msg.payload });
          if (msg.type === 'kindling.yarn.AmRegister') reply('kindling.yarn.AmRequestTotal', { total: 2 });
        }),
    });
    try {
      const am = new ApplicationMaster(
        {
          driver: { host: '127.0.0.1', port: driver.port },
          schedulers: [{ host: '127.0.0.1', port: rmSim.port }],
          executor: { memoryMiB: 640, vCores: 1, words: ['/usr/bin/node', 'exec.js', '--executor-id', EXECUTOR_ID_PLACEHOLDER, '--hostname', HOSTNAME_PLACEHOLDER], env: { A: 'b' }, localResources: [] },
          maxExecutorFailures: 2,
          heartbeatMs: 20,
        },
        amRm,
        'app-secret',
        'appattempt_1700000000000_0003_000001',
        () => {},
      );
      expect(await am.run()).to.equal('APP_FAILED');
      expect(finish).to.deep.include({ finalApplicationStatus: 'APP_FAILED', diagnostics: 'Max number of executor failures (2) reached (kindling.yarn.max.executor.failures)' });
      expect(fromAm[0]).to.deep.include({ type: 'kindling.yarn.AmRegister' });
      const launched = fromAm.filter((m) => m.type === 'kindling.yarn.AmExecutorLaunched').map((m) => m.payload['executorId']);
      const completed = fromAm.filter((m) => m.type === 'kindling.yarn.AmExecutorCompleted');
      expect(launched.slice(0, 4)).to.deep.equal(['1', '2', '3', '4']); // crashed executors were replaced, ids never reused
      expect(completed.length).to.be.greaterThanOrEqual(3);
      expect(completed[0]!.payload).to.deep.include({ executorId: '1', containerId: 'container_1700000000000_0003_01_000002', exitStatus: 1, diagnostics: 'Exception from container-launch. Exit code: 1' });
      // The secret reaches executors in their environment, never on the command line.
      expect(everStarted[0]).to.deep.equal({
        id: 2,
        command: '/usr/bin/node exec.js --executor-id 1 --hostname 127.0.0.1 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr',
        env: { A: 'b', KINDLING_AUTH_SECRET: 'app-secret' },
      });
      const regs = rmSim.calls.filter((c) => c.method === 'registerApplicationMaster');
      expect(regs).to.have.length(1);
    } finally {
      await driver.close();
      await rmSim.stop();
      await nmSim.stop();
    }
  });

  it('fails over to the next RM on StandbyException and registers again where the attempt is unknown', async () => {
    registerAmLinkMessages();
    const rmMethods = (name: string, behaviour: { standbyAfterRegister?: boolean; unknownAttemptOnce?: boolean }, log: string[]) => {
      let registered = false;
      let unknownSent = false;
      let responseId = 0;
      return {
        registerApplicationMaster: {
          requestType: 'hadoop.yarn.RegisterApplicationMasterRequestProto',
          responseType: 'hadoop.yarn.RegisterApplicationMasterResponseProto',
          handle: () => {
            log.push(`${name}:register`);
            registered = true;
            responseId = 0;
            return { maximumCapability: { memory: 4096, virtualCores: 8 }, queue: 'root.default' };
          },
        },
        allocate: {
          requestType: 'hadoop.yarn.AllocateRequestProto',
          responseType: 'hadoop.yarn.AllocateResponseProto',
          handle: () => {
            if (behaviour.standbyAfterRegister) {
              log.push(`${name}:standby`);
              throw new SimulatedRemoteException('org.apache.hadoop.ipc.StandbyException', 'Operation category READ is not supported in state standby');
            }
            if (behaviour.unknownAttemptOnce && !unknownSent) {
              unknownSent = true;
              registered = false;
              log.push(`${name}:not-registered`);
              throw new SimulatedRemoteException('org.apache.hadoop.yarn.exceptions.ApplicationMasterNotRegisteredException', 'AM is not registered for known application attempt');
            }
            if (!registered) throw new SimulatedRemoteException('org.apache.hadoop.yarn.exceptions.ApplicationMasterNotRegisteredException', 'not registered');
            log.push(`${name}:allocate`);
            return { responseId: ++responseId };
          },
        },
        finishApplicationMaster: {
          requestType: 'hadoop.yarn.FinishApplicationMasterRequestProto',
          responseType: 'hadoop.yarn.FinishApplicationMasterResponseProto',
          handle: () => {
            log.push(`${name}:finish`);
            return { isUnregistered: true };
          },
        },
      };
    };
    const log: string[] = [];
    const rm1 = await HadoopIpcSimulator.start({ tokens: new Map([b64(amRm)]), methods: rmMethods('rm1', { standbyAfterRegister: true }, log) });
    const rm2 = await HadoopIpcSimulator.start({ tokens: new Map([b64(amRm)]), methods: rmMethods('rm2', { unknownAttemptOnce: true }, log) });
    let amConn: import('@kindling/core/cluster-manager').RpcConnectionLike | undefined;
    const driver = await RpcServer.listen({
      onConnection: (conn) =>
        conn.onMessage((msg, reply) => {
          if (msg.type === 'kindling.yarn.AmRegister') {
            amConn = conn;
            reply('kindling.yarn.AmRequestTotal', { total: 0 });
          }
        }),
    });
    try {
      const am = new ApplicationMaster(
        {
          driver: { host: '127.0.0.1', port: driver.port },
          schedulers: [{ host: '127.0.0.1', port: rm1.port }, { host: '127.0.0.1', port: rm2.port }],
          executor: { memoryMiB: 640, vCores: 1, words: ['node'], env: {}, localResources: [] },
          maxExecutorFailures: 3,
          heartbeatMs: 20,
        },
        amRm,
        undefined,
        'appattempt_1700000000000_0003_000001',
        () => {},
      );
      const run = am.run();
      const deadline = Date.now() + 15_000;
      while (log.filter((l) => l === 'rm2:allocate').length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await amConn!.ask('kindling.yarn.AmFinish', { succeeded: true, diagnostics: '' });
      expect(await run).to.equal('APP_SUCCEEDED');
      expect(log.slice(0, 5)).to.deep.equal(['rm1:register', 'rm1:standby', 'rm2:not-registered', 'rm2:register', 'rm2:allocate']);
      expect(log[log.length - 1]).to.equal('rm2:finish');
    } finally {
      await driver.close();
      await rm1.stop();
      await rm2.stop();
    }
  });
});
