import { injectable } from 'inversify';
import {
  CoarseGrainedSchedulerBackend,
  MasterUrlError,
  rpcSettings,
  type BackendContext,
  type ClusterManager,
  type KindlingConf,
  type SchedulerBackend,
  type TaskSchedulerOptions,
} from '@kindling/core/cluster-manager';
import { HadoopConf, hadoopConfDirs } from './config/hadoop-conf.js';
import { rmEndpoints } from './config/rm-endpoints.js';
import { RmRestClient } from './rest/rm-rest-client.js';
import { clusterDriverSpec } from './am/cluster-driver.js';
import { readCredentialsFile, tokenOfKind } from './ipc/credentials-file.js';
import { attemptIdString, parseContainerId } from './ipc/yarn-ids.js';
import { YarnDriverSubmitter } from './yarn-driver-submitter.js';
import { YarnLauncher, type YarnLauncherOptions } from './yarn-launcher.js';
import { yarnSettings } from './yarn-settings.js';

/** Where the cluster is: HADOOP_CONF_DIR / YARN_CONF_DIR (or kindling.yarn.confDir), parsed. */
export async function loadYarnCluster(conf: KindlingConf, env: NodeJS.ProcessEnv = process.env) {
  const dirs = conf.has('kindling.yarn.confDir') ? [conf.get('kindling.yarn.confDir')!] : hadoopConfDirs(env);
  const hadoop = await HadoopConf.load(dirs, env);
  const endpoints = rmEndpoints(hadoop);
  const settings = yarnSettings(conf);
  const kerberos = (hadoop.get('hadoop.security.authentication', 'simple') ?? '').toLowerCase() === 'kerberos';
  if (kerberos) throw new MasterUrlError(`hadoop.security.authentication is kerberos in ${hadoop.source('hadoop.security.authentication')}: the Kindling YARN adapter does not support Kerberos (SPNEGO) yet`);
  const rm = new RmRestClient(endpoints, { user: settings.user });
  return { hadoop, endpoints, settings, rm };
}

/** master 'yarn': executors in YARN containers, started by Kindling's own ApplicationMaster. */
@injectable()
export class YarnClusterManager implements ClusterManager {
  readonly name = 'yarn';

  canCreate(masterUrl: string): boolean {
    return masterUrl === 'yarn' || masterUrl.startsWith('yarn:') || masterUrl.startsWith('yarn-');
  }

  taskSchedulerOptions(masterUrl: string, _conf: KindlingConf): TaskSchedulerOptions {
    if (masterUrl !== 'yarn') {
      throw new MasterUrlError(`Could not parse master URL: '${masterUrl}'; the YARN master is just 'yarn' (the cluster comes from HADOOP_CONF_DIR / YARN_CONF_DIR; choose client or cluster mode with --deploy-mode)`);
    }
    return {};
  }

  /** Cluster deploy mode (kindling-submit --deploy-mode cluster, --status, --kill). */
  driverSubmitter(masterUrl: string, conf: KindlingConf): YarnDriverSubmitter {
    this.taskSchedulerOptions(masterUrl, conf);
    return new YarnDriverSubmitter(conf);
  }

  async createSchedulerBackend(masterUrl: string, context: BackendContext): Promise<SchedulerBackend> {
    this.taskSchedulerOptions(masterUrl, context.conf);
    const conf = context.conf;
    const settings = yarnSettings(conf);
    const { applicationId, cluster } = await locateCluster(conf);
    const bind = conf.get('kindling.driver.bindAddress') ?? '127.0.0.1';
    return new CoarseGrainedSchedulerBackend(
      context,
      (driverUrl, backend) =>
        new YarnLauncher(
          {
            ...cluster,
            applicationId,
            appName: context.appName,
            settings,
            driverUrl,
            driverHost: conf.get('kindling.driver.host') ?? bind,
            driverBindAddress: bind,
            secret: rpcSettings(conf).secret,
            context,
          },
          backend,
        ),
      { initialExecutors: settings.executorInstances, minRegisteredRatio: 0.8, applicationId },
    );
  }
}

/**
 * Client mode: a new application from the RM. Cluster mode (this driver runs in its own AM
 * container, started by YarnDriverSubmitter): the application and AMRMToken of this container.
 */
async function locateCluster(conf: KindlingConf): Promise<{ applicationId: string; cluster: Pick<YarnLauncherOptions, 'rm' | 'rmEndpoints' | 'hadoop' | 'inAm'> }> {
  const inAm = clusterDriverSpec();
  const tokenFile = process.env['HADOOP_TOKEN_FILE_LOCATION'];
  if (inAm && tokenFile && process.env['CONTAINER_ID']) {
    const attempt = parseContainerId(process.env['CONTAINER_ID']).appAttemptId;
    const app = attempt.applicationId;
    return {
      applicationId: `application_${app.clusterTimestamp}_${String(app.id).padStart(4, '0')}`,
      cluster: {
        rmEndpoints: inAm.schedulers.map((s) => ({ webappUrl: '', address: s, scheduler: s })),
        inAm: { amRmToken: tokenOfKind(readCredentialsFile(tokenFile), 'YARN_AM_RM_TOKEN', tokenFile), attemptId: attemptIdString(attempt), appResource: inAm.appResource, localStagingDir: inAm.localStagingDir },
      },
    };
  }
  const { hadoop, endpoints, settings, rm } = await loadYarnCluster(conf);
  const { applicationId, maxMemoryMiB } = await rm.newApplication();
  const wanted = settings.executorMemoryMiB + settings.executorMemoryOverheadMiB;
  if (maxMemoryMiB !== undefined && wanted > maxMemoryMiB) {
    throw new MasterUrlError(`Executor containers need ${wanted} MiB (kindling.executor.memory ${settings.executorMemoryMiB} + overhead ${settings.executorMemoryOverheadMiB}) but the cluster's maximum is ${maxMemoryMiB} MiB (yarn.scheduler.maximum-allocation-mb); lower kindling.executor.memory or kindling.executor.memoryOverhead`);
  }
  return { applicationId, cluster: { rm, rmEndpoints: endpoints, hadoop } };
}
