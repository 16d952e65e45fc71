import type { HostPort } from '../config/rm-endpoints.js';
import type { LocalResource } from '../rest/app-submission.js';

/**
 * Cluster mode: what the submitter tells the driver it starts in the AM container, as
 * KINDLING_YARN_CLUSTER_DRIVER (base64 JSON, since the NM writes env values unescaped).
 */
export interface ClusterDriverSpec {
  /** The app's entry file relative to the package root. */
  entry: string;
  args: string[];
  appName: string;
  /** The driver's kindling.* configuration (what kindling-submit resolved; secrets excluded). */
  conf: Record<string, string>;
  schedulers: HostPort[];
  /** The staged app package: executors localize the same file. */
  appResource: LocalResource;
  /** A file:// staging directory the driver removes when it ends (hdfs:// is removed by the submitter). */
  localStagingDir?: string;
}

export const CLUSTER_DRIVER_ENV = 'KINDLING_YARN_CLUSTER_DRIVER';

export function encodeClusterDriver(spec: ClusterDriverSpec): string {
  return Buffer.from(JSON.stringify(spec)).toString('base64');
}

export function clusterDriverSpec(env: NodeJS.ProcessEnv = process.env): ClusterDriverSpec | undefined {
  const v = env[CLUSTER_DRIVER_ENV];
  return v ? (JSON.parse(Buffer.from(v, 'base64').toString('utf8')) as ClusterDriverSpec) : undefined;
}
