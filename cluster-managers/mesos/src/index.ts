/**
 * @kindling/cluster-manager-mesos: mesos://host:5050 and mesos://zk://hosts/path through the
 * Mesos v1 scheduler HTTP API. Kindling loads `clusterManagerModule` by default when this
 * package is installed; the scheduler client pieces are exported for tools and tests.
 */
export { MesosError, RecordIoError } from './mesos-errors.js';
export { parseMesosMasterUrl, type MesosMaster, type HostPort } from './mesos-master-url.js';
export { codecFor, CONTENT_TYPES, type MesosCodec, type MesosContentType } from './mesos-codec.js';
export { RecordIoDecoder, encodeRecord } from './recordio.js';
export { MesosSchedulerClient, type SchedulerClientOptions, type SubscribedInfo } from './mesos-scheduler-client.js';
export { StaticMasterDetector, type MasterDetector } from './master-detector.js';
export { ZooKeeperMasterDetector, masterAddress } from './zookeeper-master-detector.js';
export type * from './mesos-types.js';
export { MesosClusterManager } from './mesos-cluster-manager.js';
export { AppPackageServer } from './app-package-server.js';
export { mesosSettings, type MesosSettings } from './mesos-config.js';
export { parseConstraints, matchesConstraints } from './offer-constraints.js';
export { planOffers } from './offer-planner.js';

import { ContainerModule } from 'inversify';
import { CLUSTER_MANAGER } from '@kindling/core/cluster-manager';
import { MesosClusterManager } from './mesos-cluster-manager.js';

/** What Kindling loads (DEFAULT_CLUSTER_MANAGER_MODULES): binds the Mesos ClusterManager. */
export const clusterManagerModule = new ContainerModule((options) => {
  options.bind(CLUSTER_MANAGER).to(MesosClusterManager).inSingletonScope();
});
