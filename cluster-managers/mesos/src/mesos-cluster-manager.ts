import { injectable } from 'inversify';
import {
  ClusterManagerError,
  CoarseGrainedSchedulerBackend,
  executorEnvFromConf,
  executorNodeFromConf,
  rpcSettings,
  type BackendContext,
  type ClusterManager,
  type KindlingConf,
  type SchedulerBackend,
  type TaskSchedulerOptions,
} from '@kindling/core/cluster-manager';
import { AppPackageServer } from './app-package-server.js';
import type { MasterDetector } from './master-detector.js';
import { StaticMasterDetector } from './master-detector.js';
import { mesosSettings, type MesosSettings } from './mesos-config.js';
import { MesosExecutorLauncher } from './mesos-executor-launcher.js';
import { isMesosUrl, parseMesosMasterUrl } from './mesos-master-url.js';
import { MesosSchedulerClient } from './mesos-scheduler-client.js';
import type { FrameworkInfo, SchedulerEvent } from './mesos-types.js';
import { ZooKeeperMasterDetector } from './zookeeper-master-detector.js';

const warn = (m: string) => console.warn(`[kindling mesos] ${m}`);
const debug = (m: string) => {
  if (/\bmesos\b/.test(process.env['KINDLING_DEBUG'] ?? '')) console.warn(`[kindling mesos] ${m}`);
};

/** mesos://host:5050 and mesos://zk://hosts/path: executors as Mesos tasks from offers. */
@injectable()
export class MesosClusterManager implements ClusterManager {
  readonly name = 'mesos';

  canCreate(masterUrl: string): boolean {
    return isMesosUrl(masterUrl);
  }

  taskSchedulerOptions(masterUrl: string, conf: KindlingConf): TaskSchedulerOptions {
    parseMesosMasterUrl(masterUrl);
    mesosSettings(conf); // bad kindling.mesos.* values fail here, before anything connects
    return {};
  }

  async createSchedulerBackend(masterUrl: string, context: BackendContext): Promise<SchedulerBackend> {
    const conf = context.conf;
    const settings = mesosSettings(conf);
    const client = new MesosSchedulerClient({
      detector: detectorFor(masterUrl),
      codec: settings.codec,
      frameworkInfo: frameworkInfo(context.appName, conf, settings),
      authorization: settings.principal && settings.secret ? `Basic ${Buffer.from(`${settings.principal}:${settings.secret}`).toString('base64')}` : undefined,
      callTimeoutMs: settings.callTimeoutMs,
      log: warn,
    });
    // Offers that arrive before the launcher exists are kept for it, not left unanswered.
    const early: SchedulerEvent[] = [];
    let launcher: MesosExecutorLauncher | undefined;
    client.on('event', (e) => {
      if (!launcher && e.type === 'OFFERS') early.push(e);
    });
    let frameworkId: string;
    try {
      frameworkId = await client.start();
    } catch (e) {
      await client.stop();
      throw new ClusterManagerError(`Cannot register with the Mesos master at ${masterUrl}: ${(e as Error).message}`, { cause: e });
    }
    const packageServer = new AppPackageServer(() => context.appPackage(), conf);
    const backend: CoarseGrainedSchedulerBackend = new CoarseGrainedSchedulerBackend(
      context,
      (driverUrl, b) => {
        // Read here: the backend has just decided the app's secret (configured, or generated per app).
        const secret = rpcSettings(conf).secret;
        launcher = new MesosExecutorLauncher(
          {
            client,
            settings,
            driverUrl,
            appId: frameworkId,
            secret,
            packageUri: () => packageServer.uri(),
            node: executorNodeFromConf(conf),
            env: executorEnvFromConf(conf),
            log: warn,
            debug,
          },
          { executorLost: (id, r) => b.executorLost(id, r), applicationFailed: (m) => b.applicationFailed(m) },
        );
        const mine = launcher;
        queueMicrotask(() => early.splice(0).forEach((e) => mine.handleEvent(e)));
        return withPackageServer(launcher, packageServer);
      },
      {
        initialExecutors: settings.initialExecutors,
        minRegisteredRatio: conf.getNumber('kindling.scheduler.minRegisteredResourcesRatio', 0),
        applicationId: frameworkId,
      },
    );
    client.on('fatal', (e) => backend.applicationFailed(`Mesos: ${e.message}`));
    return backend;
  }
}

function detectorFor(masterUrl: string): MasterDetector {
  const master = parseMesosMasterUrl(masterUrl);
  return master.kind === 'static'
    ? new StaticMasterDetector(master.master)
    : new ZooKeeperMasterDetector(master.connectString, master.path, { log: debug });
}

/** What the master records for this driver (Spark's MesosSchedulerUtils.createSchedulerDriver). */
function frameworkInfo(appName: string, conf: KindlingConf, s: MesosSettings): FrameworkInfo {
  const info: FrameworkInfo = {
    user: s.user,
    name: appName,
    roles: [s.role],
    failover_timeout: s.failoverTimeoutSeconds,
    hostname: conf.get('kindling.driver.host', '127.0.0.1'),
    // MULTI_ROLE goes with `roles`; PARTITION_AWARE asks for UNREACHABLE/DROPPED/GONE instead of LOST.
    capabilities: [{ type: 'MULTI_ROLE' }, { type: 'PARTITION_AWARE' }, { type: 'TASK_KILLING_STATE' }],
  };
  if (s.webuiUrl) info.webui_url = s.webuiUrl;
  if (s.principal) info.principal = s.principal;
  return info;
}

/** Stops the package server after the executors (which may still be fetching) are gone. */
function withPackageServer(launcher: MesosExecutorLauncher, server: AppPackageServer): MesosExecutorLauncher {
  const stop = launcher.stop.bind(launcher);
  launcher.stop = async () => {
    try {
      await stop();
    } finally {
      await server.stop();
    }
  };
  return launcher;
}
