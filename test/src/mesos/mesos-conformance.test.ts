import { conformanceSuite } from '@kindling/core/testing';
import { executorPid, executorProcesses } from '../helpers/executor-processes.js';
import { startMesosSimulation, type MesosSimulation } from './simulator/index.js';

// The conformance kit against mesos://127.0.0.1:<port>: the simulated master's agents run the
// executors as real processes (children of this test process), so kill -9 is real.
let sim: MesosSimulation | undefined;

conformanceSuite({
  name: 'mesos (simulated master)',
  get masterUrl() {
    return sim?.master.url ?? 'mesos://127.0.0.1:<port>';
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
    sim = await startMesosSimulation([{ cpus: 2, memMb: 2048 }, { cpus: 2, memMb: 2048 }], { fragmentSeed: 42 });
  },
  teardown: async () => sim?.stop(),
  killExecutorProcess: async (executorId) => {
    process.kill(executorPid(executorId), 'SIGKILL');
  },
  executorPids: async () => executorProcesses().map((p) => p.pid),
});
