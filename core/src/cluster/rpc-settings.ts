import type { KindlingConf } from '../conf/kindling-conf.js';
import { ConfigError } from '../errors.js';

export interface RpcSettings {
  /** Shared secret when kindling.authenticate is on. */
  secret: string | undefined;
  maxFrameBytes: number;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
}

/** Network settings shared by the driver endpoint, executors and block servers (Spark's names and defaults). */
export function rpcSettings(conf: KindlingConf): RpcSettings {
  let secret: string | undefined;
  if (conf.getBoolean('kindling.authenticate', false)) {
    secret = conf.get('kindling.authenticate.secret') ?? process.env['KINDLING_AUTH_SECRET'];
    if (!secret) {
      throw new ConfigError(
        'kindling.authenticate is true but no secret is set; set kindling.authenticate.secret (or KINDLING_AUTH_SECRET)',
      );
    }
  }
  const maxMiB = conf.getInt('kindling.rpc.message.maxSize', 128);
  if (maxMiB <= 0 || maxMiB > 2047) throw new ConfigError(`kindling.rpc.message.maxSize must be between 1 and 2047 (MiB), got ${maxMiB}`);
  return {
    secret,
    maxFrameBytes: maxMiB * 1024 * 1024,
    heartbeatIntervalMs: conf.getTimeMs('kindling.executor.heartbeatInterval', '10s'),
    heartbeatTimeoutMs: conf.getTimeMs('kindling.network.timeout', '120s', 's'),
  };
}
