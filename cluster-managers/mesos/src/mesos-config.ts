/**
 * The kindling.mesos.* settings, read once per application. Names and defaults mirror Spark's
 * spark.mesos.* keys; where a default differs it says why (docs/cluster-managers/mesos.md).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { ConfigError, parseMemoryMiB, type KindlingConf } from '@kindling/core/cluster-manager';
import { codecFor, type MesosCodec } from './mesos-codec.js';
import { parseConstraints, type Constraints } from './offer-constraints.js';

export interface MesosSettings {
  codec: MesosCodec;
  user: string;
  role: string;
  /** Seconds; Spark's default is 0, which tears the framework down on any connection blip. */
  failoverTimeoutSeconds: number;
  constraints: Constraints;
  rejectOfferSeconds: number;
  rejectOfferSecondsForUnmetConstraints: number;
  rejectOfferSecondsForReachedMaxCores: number;
  /** kindling.executor.cores; undefined: take the offer's cpus, up to what cores.max leaves. */
  executorCores: number | undefined;
  maxCores: number;
  executorMemoryMiB: number;
  memoryOverheadMiB: number;
  maxAgentFailures: number;
  /** Executors wanted at start when dynamic allocation does not say otherwise. */
  initialExecutors: number;
  principal: string | undefined;
  secret: string | undefined;
  webuiUrl: string | undefined;
  extraUris: string[];
  shutdownTimeoutMs: number;
  /** How long KindlingContext.create keeps trying to subscribe, and each call's timeout. */
  callTimeoutMs: number;
}

/** Spark's MAX_AGENT_FAILURES: an agent that failed this many executors gets no more. */
export const MAX_AGENT_FAILURES = 2;
const MIN_OVERHEAD_MIB = 384;
const OVERHEAD_FACTOR = 0.1;

export function mesosSettings(conf: KindlingConf): MesosSettings {
  const seconds = (key: string, dflt: string) => conf.getTimeMs(key, dflt, 's') / 1000;
  const rejectOfferSeconds = seconds('kindling.mesos.rejectOfferDuration', '120s');
  const executorMemoryMiB = memory(conf, 'kindling.executor.memory', '1g');
  const executorCores = conf.has('kindling.executor.cores') ? positiveInt(conf, 'kindling.executor.cores') : undefined;
  const maxCores = conf.has('kindling.cores.max') ? positiveInt(conf, 'kindling.cores.max') : Number.POSITIVE_INFINITY;
  if (executorCores !== undefined && executorCores > maxCores) {
    throw new ConfigError(`kindling.executor.cores (${executorCores}) is larger than kindling.cores.max (${maxCores}): no executor could ever launch; lower the first or raise the second`);
  }
  const failoverTimeoutSeconds = seconds('kindling.mesos.failoverTimeout', '120s');
  const role = conf.get('kindling.mesos.role', '*').trim();
  if (!/^(\*|[A-Za-z0-9_][A-Za-z0-9_.\-/]*)$/.test(role) || role.includes('..')) {
    throw new ConfigError(`Invalid kindling.mesos.role '${role}': a Mesos role is '*' or a name of letters, digits, '_', '-', '.' and '/' (e.g. analytics)`);
  }
  const secretFile = conf.get('kindling.mesos.secret.file');
  return {
    codec: codecFor(conf.get('kindling.mesos.contentType', 'application/json').trim()),
    user: process.env['KINDLING_USER'] || os.userInfo().username,
    role,
    failoverTimeoutSeconds,
    constraints: parseConstraints(conf.get('kindling.mesos.constraints', '')),
    rejectOfferSeconds,
    rejectOfferSecondsForUnmetConstraints: conf.has('kindling.mesos.rejectOfferDurationForUnmetConstraints')
      ? seconds('kindling.mesos.rejectOfferDurationForUnmetConstraints', '120s')
      : rejectOfferSeconds,
    rejectOfferSecondsForReachedMaxCores: conf.has('kindling.mesos.rejectOfferDurationForReachedMaxCores')
      ? seconds('kindling.mesos.rejectOfferDurationForReachedMaxCores', '120s')
      : rejectOfferSeconds,
    executorCores,
    maxCores,
    executorMemoryMiB,
    memoryOverheadMiB: conf.has('kindling.mesos.executor.memoryOverhead')
      ? memory(conf, 'kindling.mesos.executor.memoryOverhead', '0')
      : Math.max(MIN_OVERHEAD_MIB, Math.ceil(OVERHEAD_FACTOR * executorMemoryMiB)),
    maxAgentFailures: MAX_AGENT_FAILURES,
    initialExecutors: initialExecutors(conf, executorCores, maxCores),
    principal: conf.get('kindling.mesos.principal'),
    secret: conf.get('kindling.mesos.secret') ?? (secretFile ? readSecretFile(secretFile) : undefined),
    webuiUrl: conf.get('kindling.mesos.driver.webui.url'),
    extraUris: conf
      .get('kindling.mesos.uris', '')
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean),
    shutdownTimeoutMs: conf.getTimeMs('kindling.mesos.coarse.shutdownTimeout', '10s'),
    callTimeoutMs: conf.getTimeMs('kindling.mesos.callTimeout', '75s'),
  };
}

/**
 * How many executors to aim for: kindling.executor.instances, else what cores.max allows with
 * fixed executor cores, else unbounded (Spark takes every offer until cores.max is reached).
 */
function initialExecutors(conf: KindlingConf, executorCores: number | undefined, maxCores: number): number {
  if (conf.has('kindling.executor.instances')) return conf.getInt('kindling.executor.instances', 0);
  if (executorCores !== undefined && Number.isFinite(maxCores)) return Math.floor(maxCores / executorCores);
  return UNBOUNDED_EXECUTORS;
}

/** "As many as offers and kindling.cores.max allow" (finite, so ratios of it stay numbers). */
export const UNBOUNDED_EXECUTORS = Number.MAX_SAFE_INTEGER;

function positiveInt(conf: KindlingConf, key: string): number {
  const n = conf.getInt(key, 0);
  if (n < 1) throw new ConfigError(`${key} must be at least 1, got '${conf.get(key)}'`);
  return n;
}

function memory(conf: KindlingConf, key: string, dflt: string): number {
  const raw = conf.get(key, dflt);
  try {
    return parseMemoryMiB(raw);
  } catch (e) {
    throw new ConfigError(`${key}: ${(e as Error).message}`);
  }
}

function readSecretFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new ConfigError(`Cannot read kindling.mesos.secret.file '${file}': ${(e as Error).message}`);
  }
}
