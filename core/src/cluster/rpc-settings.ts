import type { KindlingConf } from '../conf/kindling-conf.js';
import { authenticationSecret } from './app-secret.js';

export interface RpcSettings {
  /** Shared secret when kindling.authenticate is on (see app-secret.ts for where it comes from). */
  secret: string | undefined;
  maxFrameBytes: number;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
}

/** Network settings shared by the driver endpoint, executors and block servers (Spark's names and defaults). */
export function rpcSettings(conf: KindlingConf): RpcSettings {
  const maxMiB = conf.getInt('kindling.rpc.message.maxSize', 128, { min: 1, max: 2047, unit: 'MiB' });
  return {
    secret: authenticationSecret(conf),
    maxFrameBytes: maxMiB * 1024 * 1024,
    heartbeatIntervalMs: conf.getTimeMs('kindling.executor.heartbeatInterval', '10s'),
    heartbeatTimeoutMs: conf.getTimeMs('kindling.network.timeout', '120s', 's'),
  };
}
