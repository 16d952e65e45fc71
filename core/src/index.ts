/**
 * @kindling/core: the public surface. Internals are reachable through `@kindling/core/internal/*`
 * for adapters and tests, without a stability promise.
 */
export { KindlingContext, type KindlingContextOptions, type ExecutorInfo } from './context/kindling-context.js';
export { RDD, type Env, type Pair } from './rdd/rdd.js';
export { StorageLevel } from './storage/storage-level.js';
export { KindlingConf } from './conf/kindling-conf.js';
export { Broadcast } from './shared/broadcast.js';
export { Accumulator } from './shared/accumulator.js';
export { useModule, ModuleRef } from './closure/module-ref.js';
export { HashPartitioner } from './partitioner/hash-partitioner.js';
export { RangePartitioner } from './partitioner/range-partitioner.js';
export type { Partitioner, PartitionerSpec } from './partitioner/partitioner.js';
export { stableHash } from './partitioner/stable-hash.js';
export { compareKeys } from './partitioner/key-ordering.js';
export type {
  KindlingListener,
  JobStartEvent,
  JobEndEvent,
  StageEvent,
  TaskEvent,
  ExecutorEvent,
} from './listener/kindling-listener.js';
export * from './errors.js';

// The cluster-manager plug-in point.
export { CLUSTER_MANAGER, type ClusterManager, type BackendContext, type TaskSchedulerOptions } from './cluster/cluster-manager.js';
export type { DriverEndpoint } from './cluster/driver-endpoint.js';
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
export { executorCommand, executorEntryPoint, inheritedNodeOptions, type ExecutorCommandOptions } from './cluster/executor-command.js';
export { ExecutorAddressBook, type ExecutorAddress } from './cluster/executor-address-book.js';
export { rpcSettings, type RpcSettings } from './cluster/rpc-settings.js';
export { parseMemoryMiB, parseByteSize, parseDurationMs } from './conf/units.js';
export { coalescedMicrotask } from './util/coalesced-microtask.js';
