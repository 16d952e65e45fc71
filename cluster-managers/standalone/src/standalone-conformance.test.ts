import { conformanceSuite } from '@kindling/core/testing';
import { startCluster, type TestCluster } from './standalone-cluster.test-helper.js';

// Core's conformance kit against a real master and two workers (child processes on loopback).
let cluster: TestCluster | undefined;

conformanceSuite({
  name: 'standalone (master + 2 workers)',
  get masterUrl() {
    return cluster?.masterUrl ?? 'spark://127.0.0.1:<port>';
  },
  // One 1-core executor on each worker.
  conf: { 'kindling.executor.cores': '1', 'kindling.cores.max': '2', 'kindling.executor.memory': '256m' },
  expectedExecutors: 2,
  supportsExecutorRequests: true,
  setup: async () => {
    cluster = await startCluster({ workers: 2 });
  },
  teardown: async () => {
    await cluster?.stop();
  },
  killExecutorProcess: async (executorId) => {
    const e = cluster!.executors().find((x) => x.executorId === executorId);
    if (!e) throw new Error(`No executor process with id ${executorId}`);
    process.kill(e.pid, 'SIGKILL');
  },
  executorPids: async () => cluster!.executors().map((e) => e.pid),
});
