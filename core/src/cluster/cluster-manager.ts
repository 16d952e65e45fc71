import type { KindlingConf } from '../conf/kindling-conf.js';
import type { SchedulerBackend } from '../scheduler/scheduler-backend.js';
import type { TaskSchedulerPort } from '../scheduler/task-scheduler-port.js';
import type { DriverEndpoint } from './driver-endpoint.js';
import type { ExecutorAddressBook } from './executor-address-book.js';
import type { DriverSubmitterFactory } from './driver-submitter.js';
import type { AppPackage } from '../packaging/app-package.js';

/** Inversify service identifier under which adapters bind their ClusterManager. */
export const CLUSTER_MANAGER = Symbol.for('kindling.ClusterManager');

/** How the task scheduler behaves for a master URL (Spark decides these per URL too). */
export interface TaskSchedulerOptions {
  /** Attempts per task before the job fails; clusters default to kindling.task.maxFailures (4). */
  maxTaskFailures?: number;
  /** Local mode: a single in-process executor. */
  isLocal?: boolean;
}

/** What a backend gets from the driver when it is created. */
export interface BackendContext {
  readonly conf: KindlingConf;
  readonly appName: string;
  /** The task scheduler: the backend offers executors' free slots and reports task status here. */
  readonly scheduler: TaskSchedulerPort;
  /** What executors fetch from the driver: stage plans, broadcast values, the app config. */
  readonly driver: DriverEndpoint;
  /** Record each executor's block address here when it registers, so reducers can fetch from it. */
  readonly executorAddresses: ExecutorAddressBook;
  /**
   * The application's package (code and node_modules), built on first call and cached by hash.
   * Launchers that run executors outside this process ship it; in-process backends never call it.
   */
  appPackage(): Promise<AppPackage>;
}

/**
 * The plug-in point for cluster managers (Spark's ExternalClusterManager). An adapter package
 * exports an Inversify ContainerModule named `clusterManagerModule` that binds its implementation
 * to CLUSTER_MANAGER; Kindling picks the one whose canCreate accepts the master URL.
 */
export interface ClusterManager extends DriverSubmitterFactory {
  /** Short name used in error messages, e.g. "local", "standalone". */
  readonly name: string;
  /** True if this manager handles the URL. Cheap, no I/O; may accept a URL it later rejects as malformed. */
  canCreate(masterUrl: string): boolean;
  /** Validates the URL (throwing MasterUrlError with a precise message) and sets scheduler behaviour. */
  taskSchedulerOptions?(masterUrl: string, conf: KindlingConf): TaskSchedulerOptions;
  /** Creates the backend; Kindling calls start() on it next. */
  createSchedulerBackend(masterUrl: string, context: BackendContext): SchedulerBackend | Promise<SchedulerBackend>;
}
