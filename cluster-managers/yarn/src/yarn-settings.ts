import * as os from 'node:os';
import { MasterUrlError, parseMemoryMiB, type KindlingConf } from '@kindling/core/cluster-manager';

/** The kindling.yarn.* keys (Spark's spark.yarn.* names and defaults; see docs/cluster-managers/yarn.md). */
export interface YarnSettings {
  queue: string;
  tags: string[];
  maxAppAttempts: number;
  /** Client-mode AM (ExecutorLauncher) heap and overhead, MiB. */
  amMemoryMiB: number;
  amMemoryOverheadMiB: number;
  amCores: number;
  executorMemoryMiB: number;
  executorMemoryOverheadMiB: number;
  executorCores: number;
  executorInstances: number;
  maxExecutorFailures: number;
  /** Sent as ?user.name= on REST writes (non-Kerberos clusters). */
  user: string;
  stagingDir?: string;
  /** The node binary on the cluster's machines (default: this one's). */
  nodePath: string;
  heartbeatMs: number;
  submitTimeoutMs: number;
}

/** Spark's overhead rule: max(384 MiB, 10 % of the heap). */
export function memoryOverheadMiB(heapMiB: number): number {
  return Math.max(384, Math.ceil(heapMiB * 0.1));
}

export function yarnSettings(conf: KindlingConf): YarnSettings {
  const mem = (key: string, dflt: string) => parseMemoryMiB(conf.get(key) ?? dflt);
  const amMemoryMiB = mem('kindling.yarn.am.memory', '512m');
  const executorMemoryMiB = mem('kindling.executor.memory', '1g');
  const executorInstances = conf.getInt('kindling.executor.instances', 2);
  if (executorInstances < 0) throw new MasterUrlError(`kindling.executor.instances must be >= 0, got ${executorInstances}`);
  const maxAppAttempts = conf.getInt('kindling.yarn.maxAppAttempts', 1);
  if (maxAppAttempts < 1) throw new MasterUrlError(`kindling.yarn.maxAppAttempts must be >= 1, got ${maxAppAttempts}`);
  return {
    queue: conf.get('kindling.yarn.queue') ?? 'default',
    tags: (conf.get('kindling.yarn.tags') ?? '').split(',').map((t) => t.trim()).filter(Boolean),
    maxAppAttempts,
    amMemoryMiB,
    amMemoryOverheadMiB: conf.has('kindling.yarn.am.memoryOverhead') ? mem('kindling.yarn.am.memoryOverhead', '0') : memoryOverheadMiB(amMemoryMiB),
    amCores: conf.getInt('kindling.yarn.am.cores', 1),
    executorMemoryMiB,
    executorMemoryOverheadMiB: conf.has('kindling.executor.memoryOverhead') ? mem('kindling.executor.memoryOverhead', '0') : memoryOverheadMiB(executorMemoryMiB),
    executorCores: conf.getInt('kindling.executor.cores', 1),
    executorInstances,
    maxExecutorFailures: conf.getInt('kindling.yarn.max.executor.failures', Math.max(3, 2 * executorInstances)),
    user: conf.get('kindling.yarn.user') ?? process.env['HADOOP_USER_NAME'] ?? os.userInfo().username,
    stagingDir: conf.get('kindling.yarn.stagingDir'),
    nodePath: conf.get('kindling.yarn.node') ?? process.execPath,
    heartbeatMs: conf.getTimeMs('kindling.yarn.scheduler.heartbeat.interval-ms', '3s'),
    submitTimeoutMs: conf.getTimeMs('kindling.yarn.am.waitTime', '100s'),
  };
}
