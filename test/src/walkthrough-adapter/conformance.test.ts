import { fileURLToPath } from 'node:url';
import { conformanceSuite } from '@kindling/core/testing';
import { executorPid, executorProcesses } from '../helpers/executor-processes.js';

// The compiled adapter next to this file: test/dist/walkthrough-adapter/index.js.
const adapterModule = fileURLToPath(new URL('./index.js', import.meta.url));

conformanceSuite({
  name: 'spawn (walkthrough adapter)',
  masterUrl: 'spawn://2',
  conf: { 'kindling.clusterManagers': adapterModule },
  expectedExecutors: 2,
  supportsExecutorRequests: true,
  // Executors are child processes of this test process; kill -9 one of them.
  killExecutorProcess: async (executorId) => {
    process.kill(executorPid(executorId), 'SIGKILL');
  },
  executorPids: async () => executorProcesses().map((p) => p.pid),
});
