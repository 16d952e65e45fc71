import { ContainerModule } from 'inversify';
import { CLUSTER_MANAGER } from '@kindling/core/cluster-manager';
import { StandaloneClusterManager } from './standalone-cluster-manager.js';

export { StandaloneClusterManager } from './standalone-cluster-manager.js';
export { Master, type MasterOptions } from './master.js';
export { Worker, type WorkerOptions } from './worker.js';
export type { MasterSnapshot, WorkerSnapshot, AppSnapshot } from './master-snapshot.js';
export { parseStandaloneUrl, formatStandaloneUrl, isStandaloneUrl, type MasterAddress } from './standalone-master-url.js';
export { scheduleExecutorsOnWorkers, executorsForAssignment } from './executor-allocation.js';
export { StandaloneError } from './standalone-error.js';
export { StandaloneDriverSubmitter } from './standalone-driver-submitter.js';

/** Binds this adapter's ClusterManager; Kindling loads it by package name. */
export const clusterManagerModule = new ContainerModule((options) => {
  options.bind(CLUSTER_MANAGER).to(StandaloneClusterManager).inSingletonScope();
});
