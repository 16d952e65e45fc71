import { ContainerModule } from 'inversify';
import { CLUSTER_MANAGER } from '@kindling/core/cluster-manager';
import { YarnClusterManager } from './yarn-cluster-manager.js';

export { YarnClusterManager, loadYarnCluster } from './yarn-cluster-manager.js';
export { YarnLauncher } from './yarn-launcher.js';
export { yarnSettings, memoryOverheadMiB, type YarnSettings } from './yarn-settings.js';
export { HadoopConf, hadoopConfDirs } from './config/hadoop-conf.js';
export { rmEndpoints, type RmEndpoint, type HostPort } from './config/rm-endpoints.js';
export { RmRestClient, type AppReport, type NewApplication } from './rest/rm-rest-client.js';
export { monitorApplication } from './rest/app-monitor.js';
export { explainDiagnostics, containerExitMessage } from './rest/diagnostics.js';
export { appStaging, type AppStaging, type StagedFile } from './staging/app-staging.js';
export { parseCredentials, readCredentialsFile, tokenOfKind, type Credentials } from './ipc/credentials-file.js';
export { HadoopIpcClient, type IpcConnectOptions } from './ipc/hadoop-ipc-client.js';
export { YarnError, HadoopConfError, YarnRestError, HadoopIpcError } from './yarn-errors.js';

/** What kindling.clusterManagers (and the default list) loads: binds the YARN ClusterManager. */
export const clusterManagerModule = new ContainerModule((options) => {
  options.bind(CLUSTER_MANAGER).to(YarnClusterManager).inSingletonScope();
});
