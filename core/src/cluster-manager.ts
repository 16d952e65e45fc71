/**
 * `@kindling/core/cluster-manager`: the SPI that cluster-manager adapters are written against
 * (Spark's ExternalClusterManager and the scheduler-backend contracts). An adapter imports this
 * entry point and nothing else of core; see docs/writing-a-cluster-manager.md.
 */
export { CLUSTER_MANAGER, type ClusterManager, type BackendContext, type TaskSchedulerOptions } from './cluster/cluster-manager.js';
export type { DriverEndpoint } from './cluster/driver-endpoint.js';
export type { AppPackage, ExecutorAppSource } from './packaging/app-package.js';
export { packApplication, sha256File, type PackApplicationOptions, type PackedApplication } from './packaging/pack-application.js';
export { fetchAppPackage, type FetchAppPackageOptions } from './packaging/fetch-app-package.js';
export { unpackAppPackage, unpackedPackageDir, isUnpacked, safeExtract } from './packaging/unpack-app-package.js';
export { useUnpackedPackage } from './packaging/unpacked-app.js';
export { APP_MANIFEST, type AppManifest } from './packaging/app-manifest.js';
export type {
  DriverSubmitter,
  DriverSubmitterFactory,
  DriverSubmitRequest,
  DriverSubmission,
  DriverStatus,
} from './cluster/driver-submitter.js';
export { ClusterManagerRegistry, DEFAULT_CLUSTER_MANAGER_MODULES } from './cluster/cluster-manager-registry.js';
export type { SchedulerBackend } from './scheduler/scheduler-backend.js';
export type { TaskSchedulerPort } from './scheduler/task-scheduler-port.js';
export type { TaskStatusUpdate } from './scheduler/task-status-update.js';
export type { TaskDescription } from './scheduler/task-description.js';
export type { TaskState } from './scheduler/task-state.js';
export type { TaskEndReason } from './scheduler/task-end-reason.js';
export type { WorkerOffer } from './scheduler/worker-offer.js';
export type { ExecutorLossReason } from './scheduler/executor-loss-reason.js';
export { Executor, type ExecutorDriverClient, type ExecutorOptions, type RemoteBlockFetcher } from './executor/executor.js';
export { decodeTaskResult, decodeTaskFailure } from './executor/task-result-codec.js';
export { encodeTaskDescription, decodeTaskDescription } from './executor/task-description-codec.js';
export { CoarseGrainedSchedulerBackend, type CoarseGrainedOptions } from './cluster/coarse-grained-scheduler-backend.js';
export type { ExecutorLauncher } from './cluster/executor-launcher.js';
export { executorExitReason, type ExecutorExit } from './cluster/executor-exit.js';
export {
  executorCommand,
  executorEntryPoint,
  packagedExecutorEntryPoint,
  executorEnvFromConf,
  executorNodeFromConf,
  inheritedNodeOptions,
  type ExecutorCommandOptions,
} from './cluster/executor-command.js';
export { ExecutorAddressBook, type ExecutorAddress } from './cluster/executor-address-book.js';
export { rpcSettings, type RpcSettings } from './cluster/rpc-settings.js';
export { parseMemoryMiB, parseByteSize, parseDurationMs } from './conf/units.js';
export { coalescedMicrotask } from './util/coalesced-microtask.js';
// Core's authenticated RPC, for adapters' own daemons and messages (one transport for everything).
export { RpcServer, type RpcServerOptions } from './rpc/rpc-server.js';
export { connectRpc, type ConnectRpcOptions } from './rpc/connect-rpc.js';
export { registerRpcMessages } from './rpc/proto-messages.js';
export type { Reply, RpcConnectionLike, RpcMessage } from './rpc/rpc-types.js';
export { AuthenticationError, RemoteError, RpcConnectionError, RpcTimeoutError } from './rpc/rpc-errors.js';
// What adapters need of the user-facing API, so they import one entry point only.
export { KindlingConf } from './conf/kindling-conf.js';
export * from './errors.js';
