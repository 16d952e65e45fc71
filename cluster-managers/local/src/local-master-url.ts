import * as os from 'node:os';
import { MasterUrlError } from '@kindling/core/cluster-manager';

export interface LocalMaster {
  threads: number;
  maxTaskFailures: number;
}

/** Bounds on the counts in local URLs: beyond these a number is a typo, not a machine. */
export const MAX_LOCAL_THREADS = 4096;
export const MAX_LOCAL_CLUSTER_EXECUTORS = 256;
export const MAX_LOCAL_CLUSTER_CORES = 1024;
export const MAX_LOCAL_CLUSTER_MEMORY_MIB = 1024 * 1024;

const LOCAL_N = /^local\[([0-9]+|\*)\]$/;
const LOCAL_N_FAILURES = /^local\[([0-9]+|\*)\s*,\s*([0-9]+)\]$/;

/** True for the URL shapes this adapter owns (Spark's regexes); malformed counts are rejected later. */
export function isLocalMasterUrl(url: string): boolean {
  return url === 'local' || LOCAL_N.test(url) || LOCAL_N_FAILURES.test(url);
}

/** Parses local, local[N], local[*], local[N,F]; errors use Spark's wording. */
export function parseLocalMasterUrl(url: string): LocalMaster {
  if (url === 'local') return { threads: 1, maxTaskFailures: 1 };
  const m = LOCAL_N.exec(url) ?? LOCAL_N_FAILURES.exec(url);
  if (!m) throw new MasterUrlError(`Could not parse master URL: '${url}'`);
  const threads = m[1] === '*' ? os.availableParallelism() : Number(m[1]);
  if (threads <= 0) throw new MasterUrlError(`Asked to run locally with ${threads} threads`);
  if (threads > MAX_LOCAL_THREADS) {
    throw new MasterUrlError(
      `Asked to run locally with ${m[1]} threads in '${url}'; local[N] takes at most ${MAX_LOCAL_THREADS} task threads. ` +
        `Use local[*] for one per core (${os.availableParallelism()} here), or a smaller N`,
    );
  }
  const maxTaskFailures = m[2] === undefined ? 1 : Number(m[2]);
  if (maxTaskFailures <= 0) {
    throw new MasterUrlError(`Asked to run locally with ${maxTaskFailures} max task failures; it must be at least 1`);
  }
  if (!Number.isSafeInteger(maxTaskFailures)) {
    throw new MasterUrlError(`Asked to run locally with ${m[2]} max task failures in '${url}'; use a number up to ${Number.MAX_SAFE_INTEGER}`);
  }
  return { threads, maxTaskFailures };
}

export interface LocalClusterMaster {
  executors: number;
  coresPerExecutor: number;
  memoryPerExecutorMiB: number;
}

const LOCAL_CLUSTER = /^local-cluster\[\s*([0-9]+)\s*,\s*([0-9]+)\s*,\s*([0-9]+)\s*\]$/;

export function isLocalClusterUrl(url: string): boolean {
  return url.startsWith('local-cluster[');
}

/** local-cluster[N,C,M]: N executor processes with C cores and M MiB each. */
export function parseLocalClusterUrl(url: string): LocalClusterMaster {
  const m = LOCAL_CLUSTER.exec(url);
  if (!m) {
    throw new MasterUrlError(
      `Could not parse master URL: '${url}'; expected local-cluster[N,C,M] with N executors, C cores and M MiB each`,
    );
  }
  const [executors, coresPerExecutor, memoryPerExecutorMiB] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (executors < 1 || coresPerExecutor < 1 || memoryPerExecutorMiB < 1) {
    throw new MasterUrlError(`local-cluster needs at least 1 executor, 1 core and 1 MiB each, got '${url}'`);
  }
  if (
    executors > MAX_LOCAL_CLUSTER_EXECUTORS ||
    coresPerExecutor > MAX_LOCAL_CLUSTER_CORES ||
    memoryPerExecutorMiB > MAX_LOCAL_CLUSTER_MEMORY_MIB
  ) {
    throw new MasterUrlError(
      `local-cluster[N,C,M] takes at most ${MAX_LOCAL_CLUSTER_EXECUTORS} executors (N), ${MAX_LOCAL_CLUSTER_CORES} cores each (C) ` +
        `and ${MAX_LOCAL_CLUSTER_MEMORY_MIB} MiB each (M): it starts N processes on this machine; got '${url}'`,
    );
  }
  return { executors, coresPerExecutor, memoryPerExecutorMiB };
}
