import { expect } from 'chai';
import { HadoopIpcClient } from '../ipc/hadoop-ipc-client.js';
import type { HadoopToken } from '../ipc/hadoop-token.js';
import { HadoopIpcSimulator, SimulatedRemoteException } from '../testing/hadoop-ipc-server.test-helper.js';
import { HadoopIpcError } from '../yarn-errors.js';
import { AmRmClient, type YarnContainer } from './amrm-client.js';
import { startContainer } from './nm-client.js';

const AMRM = 'org.apache.hadoop.yarn.api.ApplicationMasterProtocolPB';
const NM = 'org.apache.hadoop.yarn.api.ContainerManagementProtocolPB';
const token = (id: string, pw: string, kind: string): HadoopToken => ({ identifier: Buffer.from(id), password: Buffer.from(pw), kind, service: '' });
const amRmToken = token('appattempt-ident', 'amrm-password', 'YARN_AM_RM_TOKEN');
const tokens = new Map([[amRmToken.identifier.toString('base64'), amRmToken.password.toString('base64')]]);
const attempt = { applicationId: { id: 7, clusterTimestamp: 1700000000000 }, attemptId: 1 };
const container = (n: number): Record<string, unknown> => ({
  id: { appId: attempt.applicationId, appAttemptId: attempt, id: n },
  nodeId: { host: '127.0.0.1', port: 0 },
  nodeHttpAddress: '127.0.0.1:8042',
  resource: { memory: 640, virtualCores: 1 },
  priority: { priority: 1 },
  containerToken: { identifier: Buffer.from(`ctok-${n}`), password: Buffer.from('cpw'), kind: 'ContainerToken', service: '127.0.0.1:0' },
});

/** A simulated RM scheduler: grants asked containers over two heartbeats, checks response ids. */
function rmMethods(state: { asks: unknown[][]; responseIds: number[]; finishCalls: number; registered: boolean }) {
  let lastResponse = 0;
  let granted = 0;
  return {
    registerApplicationMaster: {
      requestType: 'hadoop.yarn.RegisterApplicationMasterRequestProto',
      responseType: 'hadoop.yarn.RegisterApplicationMasterResponseProto',
      handle: () => {
        if (state.registered) throw new SimulatedRemoteException('org.apache.hadoop.yarn.exceptions.InvalidApplicationMasterRequestException', 'Application Master is already registered');
        state.registered = true;
        return { maximumCapability: { memory: 2048, virtualCores: 4 }, queue: 'root.default' };
      },
    },
    allocate: {
      requestType: 'hadoop.yarn.AllocateRequestProto',
      responseType: 'hadoop.yarn.AllocateResponseProto',
      handle: (req: Record<string, unknown>) => {
        const rid = Number(req['responseId'] ?? 0);
        if (rid !== lastResponse) throw new SimulatedRemoteException('org.apache.hadoop.yarn.exceptions.InvalidApplicationMasterRequestException', `Invalid responseId ${rid}, expected ${lastResponse}`);
        state.responseIds.push(rid);
        state.asks.push((req['ask'] as unknown[] | undefined) ?? []);
        lastResponse++;
        const allocated = granted < 2 ? [container(++granted + 1)] : [];
        return {
          responseId: lastResponse,
          allocatedContainers: allocated,
          nmTokens: allocated.length ? [{ nodeId: { host: '127.0.0.1', port: 0 }, token: { identifier: Buffer.from('nm-ident'), password: Buffer.from('nm-pw'), kind: 'NMToken', service: '' } }] : [],
          completedContainerStatuses: granted === 2 && lastResponse === 3 ? [{ containerId: container(2)['id'], state: 'C_COMPLETE', diagnostics: 'Container killed on request. Exit code is 143', exitStatus: 143 }] : [],
          numClusterNodes: 1,
        };
      },
    },
    finishApplicationMaster: {
      requestType: 'hadoop.yarn.FinishApplicationMasterRequestProto',
      responseType: 'hadoop.yarn.FinishApplicationMasterResponseProto',
      handle: (req: Record<string, unknown>) => {
        expect(req['finalApplicationStatus']).to.equal('APP_SUCCEEDED');
        return { isUnregistered: ++state.finishCalls >= 2 }; // the RM may need a second call
      },
    },
  };
}

describe('yarn/ApplicationMasterProtocol and ContainerManagementProtocol (Hadoop IPC simulator on loopback)', () => {
  it('registers, allocates with absolute asks sent only on change and echoed response ids, and finishes until unregistered', async () => {
    const state = { asks: [] as unknown[][], responseIds: [] as number[], finishCalls: 0, registered: false };
    const sim = await HadoopIpcSimulator.start({ tokens, methods: rmMethods(state) });
    try {
      const rm = await AmRmClient.connect([{ host: '127.0.0.1', port: sim.port }], amRmToken);
      expect(await rm.register('am-host')).to.deep.equal({ maxMemoryMiB: 2048, maxVCores: 4, queue: 'root.default' });
      const ask = (n: number) => ({ priority: 1, resourceName: '*', memoryMiB: 640, vCores: 1, numContainers: n });
      const a1 = await rm.allocate([ask(2)], [], 0.1);
      const a2 = await rm.allocate([ask(2)], [], 0.1); // unchanged: not re-sent
      const a3 = await rm.allocate([ask(0)], [], 0.1);
      expect(a1.allocated.map((c) => c.id.id)).to.deep.equal([2]);
      expect(a1.amCommand, 'an absent a_m_command is not AM_RESYNC').to.equal(undefined);
      expect(a1.nmTokens[0]?.token.kind).to.equal('NMToken');
      expect(a2.allocated.map((c) => c.id.id)).to.deep.equal([3]);
      expect(a3.completed).to.deep.equal([{ containerId: container(2)['id'], state: 'C_COMPLETE', diagnostics: 'Container killed on request. Exit code is 143', exitStatus: 143 }]);
      expect(state.responseIds).to.deep.equal([0, 1, 2]);
      expect(state.asks).to.deep.equal([[{ priority: { priority: 1 }, resourceName: '*', capability: { memory: 640, virtualCores: 1 }, numContainers: 2, relaxLocality: true }], [], [{ priority: { priority: 1 }, resourceName: '*', capability: { memory: 640, virtualCores: 1 }, numContainers: 0, relaxLocality: true }]]);
      await rm.finish('APP_SUCCEEDED', '');
      expect(state.finishCalls).to.equal(2);
      // A second register is the RM's exception, surfaced with its Java class.
      const err = await rm.register('am-host').catch((e) => e);
      expect(err).to.be.instanceOf(HadoopIpcError);
      expect(err.exceptionClassName).to.equal('org.apache.hadoop.yarn.exceptions.InvalidApplicationMasterRequestException');
      rm.close();
      expect(sim.contexts).to.deep.equal([{ protocol: AMRM }]); // TOKEN auth: no claimed user
      expect(new Set(sim.calls.map((c) => c.principal))).to.deep.equal(new Set([amRmToken.identifier.toString('base64')]));
    } finally {
      await sim.stop();
    }
  });

  it('multiplexes concurrent calls by call id', async () => {
    let n = 0;
    const sim = await HadoopIpcSimulator.start({
      tokens,
      methods: {
        finishApplicationMaster: {
          requestType: 'hadoop.yarn.FinishApplicationMasterRequestProto',
          responseType: 'hadoop.yarn.FinishApplicationMasterResponseProto',
          // Answer out of order: the first call waits longest.
          handle: async (req) => {
            const mine = n++;
            await new Promise((r) => setTimeout(r, 60 - mine * 20));
            return { isUnregistered: req['diagnostics'] === 'yes' };
          },
        },
      },
    });
    try {
      const c = await HadoopIpcClient.connect({ host: '127.0.0.1', port: sim.port, protocol: AMRM, token: amRmToken });
      const call = (d: string) => c.call<{ isUnregistered: boolean }>('finishApplicationMaster', 'hadoop.yarn.FinishApplicationMasterRequestProto', { diagnostics: d }, 'hadoop.yarn.FinishApplicationMasterResponseProto');
      const [a, b, d] = await Promise.all([call('yes'), call('no'), call('yes')]);
      expect([a.isUnregistered, b.isUnregistered, d.isUnregistered]).to.deep.equal([true, false, true]);
      expect(sim.calls.map((x) => x.callId)).to.deep.equal([0, 1, 2]);
      c.close();
    } finally {
      await sim.stop();
    }
  });

  it('fails clearly on a wrong token password, on SIMPLE auth to a TOKEN server, and on an unknown method', async () => {
    const sim = await HadoopIpcSimulator.start({ tokens, methods: {} });
    try {
      const bad = await HadoopIpcClient.connect({ host: '127.0.0.1', port: sim.port, protocol: AMRM, token: { ...amRmToken, password: Buffer.from('wrong') } }).catch((e) => e);
      expect(bad.message).to.match(/refused the connection: javax\.security\.sasl\.SaslException: DIGEST-MD5: digest response format violation/);
      const simple = await HadoopIpcClient.connect({ host: '127.0.0.1', port: sim.port, protocol: AMRM, user: 'alice' }).then(
        (c) => c.call('allocate', 'hadoop.yarn.AllocateRequestProto', {}, 'hadoop.yarn.AllocateResponseProto'),
      ).catch((e) => e);
      expect(simple.message).to.match(/SIMPLE authentication is not enabled/);
      const c = await HadoopIpcClient.connect({ host: '127.0.0.1', port: sim.port, protocol: AMRM, token: amRmToken });
      const unknown = await c.call('allocate', 'hadoop.yarn.AllocateRequestProto', {}, 'hadoop.yarn.AllocateResponseProto').catch((e) => e);
      expect(unknown.exceptionClassName).to.equal('org.apache.hadoop.ipc.RpcNoSuchMethodException');
      c.close();
    } finally {
      await sim.stop();
    }
  });

  it('starts a container on the NodeManager with its NMToken, passing the container token through unchanged', async () => {
    const nmToken = token('nm-ident', 'nm-pw', 'NMToken');
    let seen: Record<string, unknown> | undefined;
    const sim = await HadoopIpcSimulator.start({
      tokens: new Map([[nmToken.identifier.toString('base64'), nmToken.password.toString('base64')]]),
      methods: {
        startContainers: {
          requestType: 'hadoop.yarn.StartContainersRequestProto',
          responseType: 'hadoop.yarn.StartContainersResponseProto',
          handle: (req) => {
            seen = req;
            const r = (req['startContainerRequest'] as Array<{ containerToken: { identifier: Buffer } }>)[0]!;
            if (r.containerToken.identifier.toString() === 'ctok-9') {
              return { failedRequests: [{ containerId: container(9)['id'], exception: { message: 'Container already started', className: 'org.apache.hadoop.yarn.exceptions.YarnException' } }] };
            }
            return { succeededRequests: [container(2)['id']] };
          },
        },
      },
    });
    try {
      const c = { ...container(2), nodeId: { host: '127.0.0.1', port: sim.port } } as unknown as YarnContainer;
      await startContainer(c, nmToken, { localResources: [], environment: { KINDLING_AUTH_SECRET: 'x' }, command: 'node executor.js 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr' });
      const req = (seen!['startContainerRequest'] as Array<Record<string, unknown>>)[0]!;
      expect(req['containerToken']).to.deep.equal(container(2)['containerToken']);
      expect(req['containerLaunchContext']).to.deep.equal({
        localResources: [],
        serviceData: [],
        environment: [{ key: 'KINDLING_AUTH_SECRET', value: 'x' }],
        command: ['node executor.js 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr'],
      });
      const failed = await startContainer({ ...c, containerToken: { ...c.containerToken, identifier: Buffer.from('ctok-9') } }, nmToken, { localResources: [], environment: {}, command: 'x' }).catch((e) => e);
      expect(failed.message).to.match(/refused to start container_1700000000000_0007_01_000009: org\.apache\.hadoop\.yarn\.exceptions\.YarnException Container already started/);
    } finally {
      await sim.stop();
    }
  });
});
