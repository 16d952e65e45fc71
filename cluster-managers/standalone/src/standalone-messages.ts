/**
 * The standalone daemons' message names (proto/standalone.proto), registered with core's RPC
 * once per process so they travel over the same authenticated connections as everything else.
 */
import { registerRpcMessages } from '@kindling/core/cluster-manager';

/** dist/ and src/ are both one level below the package root, next to proto/. */
const PROTO = new URL('../proto/standalone.proto', import.meta.url);

let registered = false;

export function registerStandaloneMessages(): void {
  if (registered) return;
  registerRpcMessages(PROTO);
  registered = true;
}

const P = 'kindling.standalone.';

export const Msg = {
  RegisterWorker: `${P}RegisterWorker`,
  RegisteredWorker: `${P}RegisteredWorker`,
  MasterInStandby: `${P}MasterInStandby`,
  WorkerHeartbeat: `${P}WorkerHeartbeat`,
  ReconnectWorker: `${P}ReconnectWorker`,
  LaunchExecutor: `${P}LaunchExecutor`,
  KillExecutor: `${P}KillExecutor`,
  ApplicationFinished: `${P}ApplicationFinished`,
  ExecutorStateChanged: `${P}ExecutorStateChanged`,
  RegisterApplication: `${P}RegisterApplication`,
  RegisteredApplication: `${P}RegisteredApplication`,
  UnregisterApplication: `${P}UnregisterApplication`,
  ExecutorAdded: `${P}ExecutorAdded`,
  ExecutorUpdated: `${P}ExecutorUpdated`,
  ApplicationRemoved: `${P}ApplicationRemoved`,
  WorkerRemoved: `${P}WorkerRemoved`,
  RequestExecutors: `${P}RequestExecutors`,
  KillExecutors: `${P}KillExecutors`,
  Ack: `${P}Ack`,
  RequestMasterState: `${P}RequestMasterState`,
  UploadAppPackage: `${P}UploadAppPackage`,
  SubmitDriver: `${P}SubmitDriver`,
  DriverSubmitted: `${P}DriverSubmitted`,
  RequestDriverStatus: `${P}RequestDriverStatus`,
  KillDriver: `${P}KillDriver`,
  DriverStatusResponse: `${P}DriverStatusResponse`,
  LaunchDriver: `${P}LaunchDriver`,
  DriverStateChanged: `${P}DriverStateChanged`,
  MasterStateResponse: `${P}MasterStateResponse`,
} as const;

/** An executor as workers and drivers describe it to a (new) master. */
export interface ExecutorDescription {
  appId: string;
  executorId: string;
  cores: number;
  memoryMib: number;
  state: string;
}

/** What a driver asks of the cluster (Spark's ApplicationDescription). */
export interface ApplicationDescription {
  name: string;
  /** 0 = unset. */
  maxCores: number;
  /** 0 = unset: one executor per worker. */
  coresPerExecutor: number;
  memoryPerExecutorMib: number;
  driverUrl: string;
  /** -1 = no limit. */
  initialExecutorLimit: number;
  secret: string;
  nodeOptions: string[];
  user: string;
  /** kindling.app.root on the driver's machine. */
  appRoot: string;
  /** The app package workers fetch from the driver (SHA-256). */
  appPackageHash: string;
  /** kindling.executorEnv.*. */
  executorEnv: Record<string, string>;
}

/** A driver to run on a worker (cluster deploy mode). */
export interface DriverDescription {
  appName: string;
  conf: Record<string, string>;
  appArgs: string[];
  supervise: boolean;
  memoryMib: number;
  cores: number;
  packageHash: string;
  packageSize: number;
  entry: string;
}
