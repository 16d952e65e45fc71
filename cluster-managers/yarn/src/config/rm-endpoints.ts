import { HadoopConfError } from '../yarn-errors.js';
import type { HadoopConf } from './hadoop-conf.js';

export interface HostPort {
  host: string;
  port: number;
}

/** One ResourceManager: its REST base URL and its RPC addresses. `id` is the HA rm-id. */
export interface RmEndpoint {
  id?: string;
  /** e.g. http://rm1.example.com:8088 (no trailing slash). */
  webappUrl: string;
  /** ApplicationClientProtocol, yarn.resourcemanager.address. */
  address: HostPort;
  /** ApplicationMasterProtocol, yarn.resourcemanager.scheduler.address (what the AM talks to). */
  scheduler: HostPort;
}

/** Hadoop's yarn-default.xml ports for the keys this adapter reads. */
const DEFAULT_PORTS = {
  'yarn.resourcemanager.address': 8032,
  'yarn.resourcemanager.scheduler.address': 8030,
  'yarn.resourcemanager.webapp.address': 8088,
  'yarn.resourcemanager.webapp.https.address': 8090,
} as const;
type AddressKey = keyof typeof DEFAULT_PORTS;

/**
 * The ResourceManagers of the cluster in failover order: one without HA, else one per
 * yarn.resourcemanager.ha.rm-ids entry, each from its `<key>.<rmId>` keys with Hadoop's fallback
 * to `yarn.resourcemanager.hostname.<rmId>` and the default port.
 */
export function rmEndpoints(conf: HadoopConf): RmEndpoint[] {
  const https = (conf.get('yarn.http.policy', 'HTTP_ONLY') ?? '').toUpperCase() === 'HTTPS_ONLY';
  const webKey: AddressKey = https ? 'yarn.resourcemanager.webapp.https.address' : 'yarn.resourcemanager.webapp.address';
  const scheme = https ? 'https' : 'http';
  const ha = (conf.get('yarn.resourcemanager.ha.enabled', 'false') ?? '').trim().toLowerCase() === 'true';
  const ids = ha ? rmIds(conf) : [undefined];
  return ids.map((id) => {
    const web = address(conf, webKey, id);
    return {
      ...(id ? { id } : {}),
      webappUrl: `${scheme}://${formatHost(web.host)}:${web.port}`,
      address: address(conf, 'yarn.resourcemanager.address', id),
      scheduler: address(conf, 'yarn.resourcemanager.scheduler.address', id),
    };
  });
}

function rmIds(conf: HadoopConf): string[] {
  const key = 'yarn.resourcemanager.ha.rm-ids';
  const raw = conf.get(key);
  const ids = (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (ids.length === 0) {
    throw new HadoopConfError(`yarn.resourcemanager.ha.enabled is true in ${conf.source('yarn.resourcemanager.ha.enabled')} but ${key} is ${raw === undefined ? 'not set' : 'empty'}: list the ResourceManager ids, e.g. rm1,rm2`);
  }
  return ids;
}

function address(conf: HadoopConf, key: AddressKey, id: string | undefined): HostPort {
  const port = DEFAULT_PORTS[key];
  if (id) {
    const own = conf.get(`${key}.${id}`);
    if (own !== undefined) return parseHostPort(own, `${key}.${id}`, conf, port);
    const host = conf.get(`yarn.resourcemanager.hostname.${id}`);
    if (host === undefined) {
      throw new HadoopConfError(`ResourceManager '${id}' has neither ${key}.${id} nor yarn.resourcemanager.hostname.${id} in ${conf.files.join(', ') || 'the Hadoop configuration'}: set one of them`);
    }
    return { host: host.trim(), port };
  }
  const value = conf.get(key, `\${yarn.resourcemanager.hostname}:${port}`)!;
  return parseHostPort(value.replace('${yarn.resourcemanager.hostname}', '0.0.0.0'), key, conf, port);
}

/** host:port as Hadoop's NetUtils.createSocketAddr reads it (a bare host gets the default port). */
export function parseHostPort(value: string, key: string, conf: HadoopConf, defaultPort: number): HostPort {
  const v = value.trim().replace(/^[a-z]+:\/\//i, '');
  const m = /^(\[[^\]]+\]|[^:\s/]+)(?::([^/\s]*))?\/?$/.exec(v);
  const port = m?.[2] === undefined || m[2] === '' ? defaultPort : Number(m[2]);
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new HadoopConfError(`Hadoop config key ${key} in ${conf.source(key)} is '${value}', not host:port`);
  }
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
