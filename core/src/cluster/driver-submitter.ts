import type { KindlingConf } from '../conf/kindling-conf.js';
import type { AppPackage } from '../packaging/app-package.js';

/** A driver to run on the cluster (cluster deploy mode), from the shipped package. */
export interface DriverSubmitRequest {
  readonly masterUrl: string;
  readonly appName: string;
  /** The resolved kindling.* configuration the driver runs with (secrets excluded). */
  readonly conf: Readonly<Record<string, string>>;
  readonly appPackage: AppPackage;
  readonly appArgs: readonly string[];
  /** Restart the driver when it exits non-zero (kindling.driver.supervise). */
  readonly supervise: boolean;
  readonly driverMemoryMiB: number;
  readonly driverCores: number;
}

export interface DriverSubmission {
  /** The id that --status and --kill take, e.g. driver-20261204101500-0000. */
  readonly submissionId: string;
  readonly message: string;
}

export interface DriverStatus {
  readonly submissionId: string;
  /** The manager's state name, e.g. SUBMITTED, RUNNING, FINISHED, FAILED, KILLED, ERROR, UNKNOWN. */
  readonly state: string;
  /** Where it runs, when known. */
  readonly location?: string;
  readonly message?: string;
}

/**
 * Cluster deploy mode for a manager (Spark's submission clients): kindling-submit calls these for
 * --deploy-mode cluster, --status and --kill. A manager without cluster mode does not provide one.
 */
export interface DriverSubmitter {
  submit(request: DriverSubmitRequest): Promise<DriverSubmission>;
  status(submissionId: string): Promise<DriverStatus>;
  kill(submissionId: string): Promise<DriverStatus>;
}

/** The optional part of ClusterManager that cluster deploy mode uses. */
export interface DriverSubmitterFactory {
  driverSubmitter?(masterUrl: string, conf: KindlingConf): DriverSubmitter | Promise<DriverSubmitter>;
}
