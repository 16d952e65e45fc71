import { conformanceSuite } from '@kindling/core/testing';
import { executorPid, executorProcesses } from '../helpers/executor-processes.js';
import { MesosMasterSimulator, SimulatedCluster } from './simulator/index.js';

// The conformance kit against mesos://127.0.0.1:<port>: the simulated master's agents run the
// executors as real processes (children of this test process), so kill -9 is real.
let cluster: SimulatedCluster | undefined;
let master: MesosMasterSimulator | undefined;

conformanceSuite({
  name: 'mesos (simulated master)',
  get masterUrl() {
    return master?.url ?? 'mesos://127.0.0.1:<port>';
  },
  conf: {
    'kindling.executor.cores': '1',
    'kindling.cores.max': '2',
    'kindling.executor.memory': '256m',
    'kindling.executor.node': process.execPath,
    'kindling.mesos.rejectOfferDuration': '120s',
  },
  expectedExecutors: 2,
  supportsExecutorRequests: true,
  setup: async () => {
    cluster = new SimulatedCluster({
      agents: [
        { cpus: 2, memMb: 2048 },
        { cpus: 2, memMb: 2048 },
      ],
      statusRetryMs: { initial: 1000, max: 5000 },
    });
    master = await MesosMasterSimulator.start({ cluster, heartbeatIntervalMs: 1000, allocationIntervalMs: 100, fragmentSeed: 42 });
  },
  teardown: async () => {
    await master?.stop();
    await cluster?.stop();
  },
  killExecutorProcess: async (executorId) => {
    process.kill(executorPid(executorId), 'SIGKILL');
  },
  executorPids: async () => executorProcesses().map((p) => p.pid),
});
