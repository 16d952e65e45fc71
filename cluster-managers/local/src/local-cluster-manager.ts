import { injectable } from 'inversify';
import {
  CoarseGrainedSchedulerBackend,
  executorEnvFromConf,
  executorNodeFromConf,
  MasterUrlError,
  parseMemoryMiB,
  rpcSettings,
  type BackendContext,
  type ClusterManager,
  type KindlingConf,
  type SchedulerBackend,
  type TaskSchedulerOptions,
} from '@kindling/core/cluster-manager';
import { isLocalClusterUrl, isLocalMasterUrl, parseLocalClusterUrl, parseLocalMasterUrl } from './local-master-url.js';
import { LocalClusterLauncher } from './local-cluster-launcher.js';
import { LocalSchedulerBackend } from './local-scheduler-backend.js';

/**
 * Handles local, local[N], local[*] and local[N,F] (one in-process executor with N task threads)
 * and local-cluster[N,C,M] (N executor processes on this machine, the full distributed path).
 */
@injectable()
export class LocalClusterManager implements ClusterManager {
  readonly name = 'local';

  canCreate(masterUrl: string): boolean {
    return isLocalMasterUrl(masterUrl) || isLocalClusterUrl(masterUrl);
  }

  taskSchedulerOptions(masterUrl: string, conf: KindlingConf): TaskSchedulerOptions {
    if (isLocalClusterUrl(masterUrl)) {
      const cluster = parseLocalClusterUrl(masterUrl);
      // Spark's check; when kindling.executor.memory is unset we size executors to M instead of 1g.
      const requested = conf.has('kindling.executor.memory') ? parseMemoryMiB(conf.get('kindling.executor.memory')!) : undefined;
      if (requested !== undefined && requested > cluster.memoryPerExecutorMiB) {
        throw new MasterUrlError(
          `Asked to launch cluster with ${cluster.memoryPerExecutorMiB} MiB/worker but requested ${requested} MiB/executor`,
        );
      }
      conf.setIfMissing('kindling.executor.memory', `${cluster.memoryPerExecutorMiB}m`);
      return {};
    }
    const { maxTaskFailures } = parseLocalMasterUrl(masterUrl);
    return { maxTaskFailures, isLocal: true };
  }

  createSchedulerBackend(masterUrl: string, context: BackendContext): SchedulerBackend {
    if (!isLocalClusterUrl(masterUrl)) return new LocalSchedulerBackend(context, parseLocalMasterUrl(masterUrl).threads);
    const cluster = parseLocalClusterUrl(masterUrl);
    const appId = `local-cluster-${Date.now()}`;
    const secret = rpcSettings(context.conf).secret;
    return new CoarseGrainedSchedulerBackend(
      context,
      (driverUrl, backend) =>
        new LocalClusterLauncher(
          {
            driverUrl,
            appId,
            coresPerExecutor: cluster.coresPerExecutor,
            memoryPerExecutorMiB: parseMemoryMiB(context.conf.get('kindling.executor.memory', `${cluster.memoryPerExecutorMiB}m`)),
            secret,
            localRoot: context.conf.get('kindling.local.dir'),
            maxExecutorRetries: context.conf.getInt('kindling.deploy.maxExecutorRetries', 10),
            appPackage: () => context.appPackage(),
            packageDir: context.conf.get('kindling.executor.packageDir'),
            node: executorNodeFromConf(context.conf, process.execPath),
            env: executorEnvFromConf(context.conf),
          },
          backend,
        ),
      { initialExecutors: cluster.executors, minRegisteredRatio: 1, applicationId: appId },
    );
  }
}
