import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { conformanceSuite } from '@kindling/core/testing';
import { containerExecutors, miniYarnConf, miniYarnUnavailable, startMiniYarn, type MiniYarnCluster } from './testing/mini-yarn-cluster.test-helper.js';

/** The conformance kit with master 'yarn' on a real MiniYARNCluster (KINDLING_YARN_IT=1; .ci/run's YARN step). */
if (process.env['KINDLING_YARN_IT'] === '1' && !miniYarnUnavailable()) {
  const workDir = path.join(os.tmpdir(), `kindling-miniyarn-conformance-${process.pid}`);
  // A tiny app as what is shipped (the default kindling.app.root, the cwd, would pack the repository).
  const app = path.join(workDir, 'app');
  let cluster: MiniYarnCluster | undefined;
  conformanceSuite({
    name: 'real YARN (MiniYARNCluster)',
    masterUrl: 'yarn',
    conf: {
      ...miniYarnConf(path.join(workDir, 'conf')),
      'kindling.app.root': app,
      'kindling.app.entry': path.join(app, 'app.js'),
      'kindling.app.package.cacheDir': path.join(workDir, 'package-cache'),
      'kindling.yarn.stagingDir': path.join(workDir, 'staging'),
    },
    expectedExecutors: 2,
    supportsExecutorRequests: true,
    timeoutMs: 180_000,
    setup: async () => {
      fs.rmSync(workDir, { recursive: true, force: true });
      cluster = await startMiniYarn(workDir);
      fs.mkdirSync(app, { recursive: true });
      fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'yarn-conformance-app', type: 'module' }));
      fs.writeFileSync(path.join(app, 'app.js'), '// entry\n');
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
