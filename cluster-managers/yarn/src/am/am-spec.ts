/**
 * What the driver tells its ApplicationMaster at submit time, in the AM container's environment
 * as KINDLING_YARN_AM_SPEC (base64 JSON: the NM writes env values into `export K="V"` unescaped,
 * so no quote may appear). The secret travels separately in KINDLING_AUTH_SECRET.
 */
export interface AmSpec {
  /** The driver's AM-link endpoint (core RPC). */
  driver: { host: string; port: number };
  /** yarn.resourcemanager.scheduler.address of each RM (HA: all, in failover order). */
  schedulers: Array<{ host: string; port: number }>;
  executor: {
    memoryMiB: number;
    vCores: number;
    /** Command words; EXECUTOR_ID_PLACEHOLDER and HOSTNAME_PLACEHOLDER are filled per container. */
    words: string[];
    env: Record<string, string>;
    /** ContainerLaunchContext local resources (LocalResourceProto as JSON). */
    localResources: Array<{ key: string; value: Record<string, unknown> }>;
  };
  /** kindling.yarn.max.executor.failures: the AM fails the app past this many executor failures. */
  maxExecutorFailures: number;
  heartbeatMs: number;
}

export const EXECUTOR_ID_PLACEHOLDER = '@@EXECUTOR_ID@@';
export const HOSTNAME_PLACEHOLDER = '@@HOSTNAME@@';
export const AM_SPEC_ENV = 'KINDLING_YARN_AM_SPEC';

export function encodeAmSpec(spec: AmSpec): string {
  return Buffer.from(JSON.stringify(spec)).toString('base64');
}

export function decodeAmSpec(value: string | undefined): AmSpec {
  if (!value) throw new Error(`${AM_SPEC_ENV} is not set: this process must be started by the Kindling YARN client as an ApplicationMaster`);
  return JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as AmSpec;
}
