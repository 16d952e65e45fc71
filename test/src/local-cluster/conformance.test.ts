import { conformanceSuite } from '@kindling/core/testing';
import { executorPid, executorProcesses } from '../helpers/executor-processes.js';

// The adapter conformance kit on both local modes.
conformanceSuite({
  name: 'local',
  masterUrl: 'local[2]',
  expectedExecutors: 1,
  supportsExecutorRequests: false,
});

conformanceSuite({
  name: 'local-cluster',
  masterUrl: 'local-cluster[2,1,256]',
  expectedExecutors: 2,
  supportsExecutorRequests: true,
  killExecutorProcess: async (executorId) => {
    process.kill(executorPid(executorId), 'SIGKILL');
  },
  executorPids: async () => executorProcesses().map((p) => p.pid),
});
