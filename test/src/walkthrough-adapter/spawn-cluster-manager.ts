import { injectable } from 'inversify';
import {
  CoarseGrainedSchedulerBackend,
  MasterUrlError,
  parseMemoryMiB,
  rpcSettings,
  type BackendContext,
  type ClusterManager,
  type KindlingConf,
  type SchedulerBackend,
  type TaskSchedulerOptions,
} from '@kindling/core/cluster-manager';
import { SpawnLauncher } from './spawn-launcher.js';

const SPAWN_URL = /^spawn:\/\/([0-9]+)$/;

/** spawn://N: N executor processes with 1 core each, started on this machine. */
export function parseSpawnUrl(url: string): { executors: number } {
  const m = SPAWN_URL.exec(url);
  const executors = m ? Number(m[1]) : 0;
  if (executors < 1) {
    throw new MasterUrlError(`Could not parse master URL: '${url}'; expected spawn://N with N >= 1 executors`);
  }
  return { executors };
}

/** The walkthrough adapter of docs/writing-a-cluster-manager.md. */
@injectable()
export class SpawnClusterManager implements ClusterManager {
  readonly name = 'spawn';

  /** Cheap and without I/O: claim the scheme, reject malformed URLs later. */
  canCreate(masterUrl: string): boolean {
    return masterUrl.startsWith('spawn://');
  }

  /** Called first: validate the URL; {} keeps the cluster defaults (kindling.task.maxFailures). */
  taskSchedulerOptions(masterUrl: string, _conf: KindlingConf): TaskSchedulerOptions {
    parseSpawnUrl(masterUrl);
    return {};
  }

  createSchedulerBackend(masterUrl: string, context: BackendContext): SchedulerBackend {
    const { executors } = parseSpawnUrl(masterUrl);
    const conf = context.conf;
    const appId = `spawn-${Date.now()}`;
    return new CoarseGrainedSchedulerBackend(
      context,
      // Called from backend.start(), once the driver endpoint listens and driverUrl is known.
      (driverUrl, backend) =>
        new SpawnLauncher(
          {
            driverUrl,
            appId,
            // Read here, not earlier: the backend has made a per-application secret by now.
            secret: rpcSettings(conf).secret,
            memoryMiB: conf.has('kindling.executor.memory') ? parseMemoryMiB(conf.get('kindling.executor.memory')!) : undefined,
            localRoot: conf.get('kindling.local.dir'),
          },
          backend,
        ),
      { initialExecutors: executors, minRegisteredRatio: 1, applicationId: appId },
    );
  }
}
