/**
 * Validates the typed `kindling.*` keys once, when the context starts, so a bad value fails at
 * once with the key, the value and the fix, rather than deep inside a scheduler with a message
 * about an internal variable. Unknown keys pass: adapters and apps define their own.
 */
import { ConfigError } from '../errors.js';
import type { KindlingConf } from './kindling-conf.js';

type Check =
  | { type: 'int'; min?: number; max?: number }
  | { type: 'number'; min?: number; max?: number; exclusiveMin?: boolean }
  | { type: 'size'; min: number }
  | { type: 'memory' }
  | { type: 'time'; positive: boolean; defaultUnit?: 's' }
  | { type: 'boolean' };

/** Spark's matching keys and the same bounds (Spark checks most of these in SparkConf.validateSettings). */
export const CHECKED_KEYS: Readonly<Record<string, Check>> = {
  'kindling.authenticate': { type: 'boolean' },
  'kindling.executor.memory': { type: 'memory' },
  'kindling.driver.memory': { type: 'memory' },
  'kindling.executor.cores': { type: 'int', min: 1 },
  'kindling.executor.instances': { type: 'int', min: 0 },
  'kindling.cores.max': { type: 'int', min: 1 },
  'kindling.task.cpus': { type: 'int', min: 1 },
  'kindling.task.maxFailures': { type: 'int', min: 1 },
  'kindling.stage.maxConsecutiveAttempts': { type: 'int', min: 1 },
  'kindling.default.parallelism': { type: 'int', min: 1 },
  'kindling.deploy.maxExecutorRetries': { type: 'int', min: -1 },
  'kindling.driver.port': { type: 'int', min: 0, max: 65535 },
  'kindling.rpc.message.maxSize': { type: 'int', min: 1, max: 2047 },
  'kindling.memory.fraction': { type: 'number', min: 0, max: 1, exclusiveMin: true },
  'kindling.driver.maxResultSize': { type: 'size', min: 0 },
  'kindling.reducer.maxSizeInFlight': { type: 'size', min: 1 },
  'kindling.shuffle.spill.threshold': { type: 'size', min: 1 },
  'kindling.network.timeout': { type: 'time', positive: true, defaultUnit: 's' },
  'kindling.executor.heartbeatInterval': { type: 'time', positive: true },
  'kindling.scheduler.revive.interval': { type: 'time', positive: true },
  'kindling.starvation.timeout': { type: 'time', positive: true },
  'kindling.scheduler.maxRegisteredResourcesWaitingTime': { type: 'time', positive: false },
  'kindling.locality.wait': { type: 'time', positive: false },
  'kindling.locality.wait.process': { type: 'time', positive: false },
  'kindling.locality.wait.node': { type: 'time', positive: false },
  'kindling.locality.wait.rack': { type: 'time', positive: false },
};

/** Throws a ConfigError naming the first bad key. */
export function checkConf(conf: KindlingConf): void {
  for (const [key, check] of Object.entries(CHECKED_KEYS)) {
    if (conf.has(key)) checkKey(conf, key, check);
  }
  const interval = conf.getTimeMs('kindling.executor.heartbeatInterval', '10s');
  const timeout = conf.getTimeMs('kindling.network.timeout', '120s', 's');
  if (interval >= timeout) {
    // Spark's rule: otherwise every executor looks dead between two heartbeats.
    throw new ConfigError(
      `kindling.network.timeout (${timeout} ms) must be greater than kindling.executor.heartbeatInterval (${interval} ms); ` +
        'raise kindling.network.timeout or lower kindling.executor.heartbeatInterval',
    );
  }
}

function checkKey(conf: KindlingConf, key: string, check: Check): void {
  switch (check.type) {
    case 'boolean':
      conf.getBoolean(key, false);
      return;
    case 'int':
      conf.getInt(key, 0, { min: check.min, max: check.max });
      return;
    case 'number': {
      const n = conf.getNumber(key, 0, { min: check.min, max: check.max });
      if (check.exclusiveMin && n === check.min) {
        throw new ConfigError(`${key} must be greater than ${check.min} and at most ${check.max}, got '${conf.get(key)}'`);
      }
      return;
    }
    case 'memory':
      conf.getMemoryMiB(key, '1g');
      return;
    case 'size': {
      const bytes = conf.getSizeBytes(key, '0');
      if (bytes < check.min) throw new ConfigError(`${key} must be at least ${check.min} bytes, got '${conf.get(key)}'`);
      return;
    }
    case 'time': {
      const ms = conf.getTimeMs(key, '0', check.defaultUnit ?? 'ms');
      if (check.positive && !(ms > 0)) {
        throw new ConfigError(`${key} must be a positive duration, got '${conf.get(key)}'; use e.g. ${key}=10s`);
      }
    }
  }
}
