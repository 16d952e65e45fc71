/**
 * @kindling/core: what applications use. Cluster-manager adapters import
 * `@kindling/core/cluster-manager` instead (the SPI); the conformance kit is `@kindling/core/testing`.
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
export { KindlingFiles } from './packaging/kindling-files.js';
export * from './errors.js';
