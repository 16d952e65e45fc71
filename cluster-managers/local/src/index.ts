import { ContainerModule } from 'inversify';
import { CLUSTER_MANAGER } from '@kindling/core/cluster-manager';
import { LocalClusterManager } from './local-cluster-manager.js';

export { LocalClusterManager } from './local-cluster-manager.js';
export { LocalSchedulerBackend } from './local-scheduler-backend.js';
export {
  parseLocalMasterUrl,
  isLocalMasterUrl,
  parseLocalClusterUrl,
  isLocalClusterUrl,
  type LocalMaster,
  type LocalClusterMaster,
} from './local-master-url.js';
export { LocalClusterLauncher } from './local-cluster-launcher.js';

/** Binds this adapter's ClusterManager; Kindling loads it by package name. */
export const clusterManagerModule = new ContainerModule((options) => {
  options.bind(CLUSTER_MANAGER).to(LocalClusterManager).inSingletonScope();
});
