import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { conformanceSuite } from '@kindling/core/testing';
import { containerExecutors, miniYarnConf, miniYarnUnavailable, startMiniYarn, type MiniYarnCluster } from './testing/mini-yarn-cluster.test-helper.js';

/** The conformance kit with master 'yarn' on a real MiniYARNCluster (KINDLING_YARN_IT=1; .ci/run's YARN step). */
if (process.env['KINDLING_YARN_IT'] === '1' && !miniYarnUnavailable()) {
  const workDir = path.join(os.tmpdir(), `kindling-miniyarn-conformance-${process.pid}`);
  let cluster: MiniYarnCluster | undefined;
  conformanceSuite({
    name: 'real YARN (MiniYARNCluster)',
    masterUrl: 'yarn',
    conf: miniYarnConf(path.join(workDir, 'conf')),
    expectedExecutors: 2,
    supportsExecutorRequests: true,
    timeoutMs: 180_000,
    setup: async () => {
      fs.rmSync(workDir, { recursive: true, force: true });
      cluster = await startMiniYarn(workDir);
    },
    teardown: async () => {
      await cluster?.stop();
    },
    killExecutorProcess: async (executorId) => {
      const pid = containerExecutors(cluster!).get(executorId);
      if (!pid) throw new Error(`No process for executor ${executorId} in the MiniYARNCluster's containers`);
      process.kill(pid, 'SIGKILL');
    },
    executorPids: async () => [...containerExecutors(cluster!).values()],
  });
}
