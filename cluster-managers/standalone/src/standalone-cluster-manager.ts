import * as os from 'node:os';
import { injectable } from 'inversify';
import {
  CoarseGrainedSchedulerBackend,
  executorEnvFromConf,
  inheritedNodeOptions,
  parseMemoryMiB,
  rpcSettings,
  ConfigError,
  type BackendContext,
  type ClusterManager,
  type DriverSubmitter,
  type KindlingConf,
  type SchedulerBackend,
  type TaskSchedulerOptions,
} from '@kindling/core/cluster-manager';
import { isStandaloneUrl, parseStandaloneUrl } from './standalone-master-url.js';
import { StandaloneDriverSubmitter } from './standalone-driver-submitter.js';
import { StandaloneLauncher } from './standalone-launcher.js';

/** spark://host:port[,host2:port2]: executors granted by kindling-master on kindling-worker hosts. */
@injectable()
export class StandaloneClusterManager implements ClusterManager {
  readonly name = 'standalone';

  canCreate(masterUrl: string): boolean {
    return isStandaloneUrl(masterUrl);
  }

  taskSchedulerOptions(masterUrl: string, conf: KindlingConf): TaskSchedulerOptions {
    parseStandaloneUrl(masterUrl);
    positiveInt(conf, 'kindling.cores.max');
    positiveInt(conf, 'kindling.executor.cores');
    positiveInt(conf, 'kindling.executor.instances');
    return {};
  }

  /** Cluster deploy mode: kindling-submit --deploy-mode cluster, --status and --kill. */
  driverSubmitter(masterUrl: string, conf: KindlingConf): DriverSubmitter {
    return new StandaloneDriverSubmitter(masterUrl, conf);
  }

  createSchedulerBackend(masterUrl: string, context: BackendContext): SchedulerBackend {
    const masters = parseStandaloneUrl(masterUrl);
    const conf = context.conf;
    const dynamic = conf.getBoolean('kindling.dynamicAllocation.enabled', false);
    const instances = positiveInt(conf, 'kindling.executor.instances');
    const initial = dynamic
      ? conf.getInt('kindling.dynamicAllocation.initialExecutors', conf.getInt('kindling.dynamicAllocation.minExecutors', 0))
      : (instances ?? 0);
    let appId = 'standalone-app-unregistered';
    // The daemons' secret is the configured one; read it before the backend turns on a per-app secret.
    const daemonSecret = rpcSettings(conf).secret;
    return new CoarseGrainedSchedulerBackend(
      context,
      (driverUrl, backend) => {
        // By now the backend has decided this app's secret (configured, or generated for its executors).
        const appSecret = rpcSettings(conf).secret;
        return new StandaloneLauncher(
          {
            masters,
            secret: daemonSecret,
            limitExecutors: dynamic || instances !== undefined,
            onApplicationId: (id) => (appId = id),
            desc: {
              name: context.appName,
              maxCores: positiveInt(conf, 'kindling.cores.max') ?? 0,
              coresPerExecutor: positiveInt(conf, 'kindling.executor.cores') ?? 0,
              memoryPerExecutorMib: parseMemoryMiB(conf.get('kindling.executor.memory', '1g')),
              driverUrl,
              initialExecutorLimit: -1,
              // Executors talk to this driver only; with authentication on they need its secret.
              secret: appSecret ?? '',
              nodeOptions: inheritedNodeOptions(),
              user: safeUser(),
              appRoot: conf.get('kindling.app.root', process.cwd()),
              appPackageHash: '', // filled in once the package is built, before registration
              executorEnv: executorEnvFromConf(conf),
            },
            appPackage: () => context.appPackage(),
          },
          backend,
        );
      },
      {
        initialExecutors: initial,
        // Spark's standalone default: start at once; jobs wait for executors as they arrive.
        minRegisteredRatio: conf.getNumber('kindling.scheduler.minRegisteredResourcesRatio', 0),
        get applicationId() {
          return appId;
        },
      },
    );
  }
}

function positiveInt(conf: KindlingConf, key: string): number | undefined {
  if (!conf.has(key)) return undefined;
  const n = conf.getInt(key, 0);
  if (n < 1) throw new ConfigError(`${key} must be a positive integer, got '${conf.get(key)}'`);
  return n;
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}
