import type { KindlingConf } from '../conf/kindling-conf.js';
import { ConfigError } from '../errors.js';

const P = 'kindling.dynamicAllocation';

/** kindling.dynamicAllocation.*, read and checked as Spark's ExecutorAllocationManager does. */
export interface DynamicAllocationConf {
  minExecutors: number;
  maxExecutors: number;
  /** max(minExecutors, initialExecutors, kindling.executor.instances). */
  initialExecutors: number;
  executorAllocationRatio: number;
  schedulerBacklogTimeoutMs: number;
  sustainedSchedulerBacklogTimeoutMs: number;
  executorIdleTimeoutMs: number;
  cachedExecutorIdleTimeoutMs: number;
  shuffleTrackingEnabled: boolean;
  shuffleTrackingTimeoutMs: number;
  /** How often the manager re-plans (Spark polls every 100 ms). */
  intervalMs: number;
}

export function isDynamicAllocationEnabled(conf: KindlingConf): boolean {
  return conf.getBoolean(`${P}.enabled`, false);
}

/** Spark's initial target: the larger of minExecutors, initialExecutors and kindling.executor.instances. */
export function initialExecutorTarget(conf: KindlingConf): number {
  const min = conf.getInt(`${P}.minExecutors`, 0);
  return Math.max(min, conf.getInt(`${P}.initialExecutors`, min), conf.getInt('kindling.executor.instances', 0));
}

export function readDynamicAllocationConf(conf: KindlingConf): DynamicAllocationConf {
  const min = conf.getInt(`${P}.minExecutors`, 0);
  const max = conf.has(`${P}.maxExecutors`) ? conf.getInt(`${P}.maxExecutors`, 0) : Infinity;
  const backlog = duration(conf, `${P}.schedulerBacklogTimeout`, '1s');
  const c: DynamicAllocationConf = {
    minExecutors: min,
    maxExecutors: max,
    initialExecutors: initialExecutorTarget(conf),
    executorAllocationRatio: conf.getNumber(`${P}.executorAllocationRatio`, 1),
    schedulerBacklogTimeoutMs: backlog,
    sustainedSchedulerBacklogTimeoutMs: conf.has(`${P}.sustainedSchedulerBacklogTimeout`)
      ? duration(conf, `${P}.sustainedSchedulerBacklogTimeout`, '1s')
      : backlog,
    executorIdleTimeoutMs: duration(conf, `${P}.executorIdleTimeout`, '60s'),
    cachedExecutorIdleTimeoutMs: duration(conf, `${P}.cachedExecutorIdleTimeout`, 'infinity'),
    shuffleTrackingEnabled: conf.getBoolean(`${P}.shuffleTracking.enabled`, true),
    shuffleTrackingTimeoutMs: duration(conf, `${P}.shuffleTracking.timeout`, 'infinity'),
    intervalMs: conf.getTimeMs(`${P}.pollInterval`, '100ms'),
  };
  // Spark's validation, with its messages.
  if (min < 0 || max < 0) throw new ConfigError(`${P}.minExecutors and ${P}.maxExecutors must be positive! (got ${min} and ${max})`);
  if (max === 0) throw new ConfigError(`${P}.maxExecutors cannot be 0!`);
  if (min > max) throw new ConfigError(`${P}.minExecutors (${min}) must be less than or equal to ${P}.maxExecutors (${max})!`);
  if (c.initialExecutors > max) {
    throw new ConfigError(`${P}.initialExecutors (${c.initialExecutors}) must be less than or equal to ${P}.maxExecutors (${max})`);
  }
  if (backlog <= 0) throw new ConfigError(`${P}.schedulerBacklogTimeout must be > 0!`);
  if (c.sustainedSchedulerBacklogTimeoutMs <= 0) throw new ConfigError(`${P}.sustainedSchedulerBacklogTimeout must be > 0!`);
  if (!(c.executorAllocationRatio > 0 && c.executorAllocationRatio <= 1)) {
    throw new ConfigError(`${P}.executorAllocationRatio must be > 0 and <= 1.0 (got ${c.executorAllocationRatio})`);
  }
  if (c.executorIdleTimeoutMs < 0) throw new ConfigError(`${P}.executorIdleTimeout must be >= 0`);
  if (c.cachedExecutorIdleTimeoutMs < 0) throw new ConfigError(`${P}.cachedExecutorIdleTimeout must be >= 0`);
  if (c.intervalMs <= 0) throw new ConfigError(`${P}.pollInterval must be > 0`);
  // Kindling has no external shuffle service, so only shuffle tracking keeps map outputs safe.
  if (!c.shuffleTrackingEnabled) {
    throw new ConfigError(
      `Dynamic allocation of executors requires shuffle tracking here (Kindling has no external shuffle service): ` +
        `set ${P}.shuffleTracking.enabled=true (the default), or turn ${P}.enabled off`,
    );
  }
  if (conf.has('kindling.executor.cores') && conf.getInt('kindling.executor.cores', 1) < conf.getInt('kindling.task.cpus', 1)) {
    throw new ConfigError('kindling.executor.cores must not be less than kindling.task.cpus.');
  }
  return c;
}

/** A duration in seconds by default (Spark's timeConf(SECONDS)); "infinity" means never. */
function duration(conf: KindlingConf, key: string, fallback: string): number {
  const raw = (conf.get(key) ?? fallback).trim().toLowerCase();
  if (raw === 'infinity' || raw === 'inf') return Infinity;
  return conf.getTimeMs(key, fallback, 's');
}
