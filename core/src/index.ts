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
  RddInfo,
} from './listener/kindling-listener.js';
export {
  redact,
  redactionRegex,
  compileRedactionRegex,
  isRedacted,
  DEFAULT_REDACTION_REGEX,
  REDACTION_REGEX_KEY,
  REDACTION_REPLACEMENT_TEXT,
} from './conf/redaction.js';
export { KindlingFiles } from './packaging/kindling-files.js';
export { StatCounter } from './rdd/stat-counter.js';
export * from './errors.js';
export type { ActionOptions } from './context/action-options.js';
export { POOL_PROPERTY } from './scheduler/schedulable-builder.js';
export { JOB_GROUP_PROPERTY, JOB_DESCRIPTION_PROPERTY, JOB_INTERRUPT_ON_CANCEL_PROPERTY } from './scheduler/job-options.js';
