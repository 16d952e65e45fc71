import { ContainerModule } from 'inversify';
import { CLUSTER_MANAGER } from '@kindling/core/cluster-manager';
import { SpawnClusterManager } from './spawn-cluster-manager.js';

export { SpawnClusterManager, parseSpawnUrl } from './spawn-cluster-manager.js';
export { SpawnLauncher } from './spawn-launcher.js';

/** What kindling.clusterManagers loads: binds this adapter's ClusterManager. */
export const clusterManagerModule = new ContainerModule((options) => {
  options.bind(CLUSTER_MANAGER).to(SpawnClusterManager).inSingletonScope();
});
