import { ClusterManagerError } from '@kindling/core/cluster-manager';

/** Failures of the standalone master, workers and the driver's client of them. */
export class StandaloneError extends ClusterManagerError {}
