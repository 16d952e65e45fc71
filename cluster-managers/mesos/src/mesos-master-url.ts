import { MasterUrlError } from '@kindling/core/cluster-manager';

export interface HostPort {
  host: string;
  port: number;
}

/** mesos://host:5050, or mesos://zk://h1:2181,h2:2181/mesos (leader read from ZooKeeper). */
export type MesosMaster =
  | { kind: 'static'; master: HostPort }
  | { kind: 'zookeeper'; connectString: string; path: string };

export const DEFAULT_MASTER_PORT = 5050;
const HOST = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)$/;

const EXPECTED = "expected mesos://host:port (e.g. mesos://10.0.0.1:5050) or mesos://zk://host1:2181,host2:2181/path (e.g. mesos://zk://zk1:2181/mesos)";

export function isMesosUrl(url: string): boolean {
  return url.startsWith('mesos://');
}

export function parseMesosMasterUrl(url: string): MesosMaster {
  if (!isMesosUrl(url)) throw new MasterUrlError(`Could not parse master URL: '${url}'; ${EXPECTED}`);
  const rest = url.slice('mesos://'.length);
  if (rest.startsWith('zk://') || rest.startsWith('zoo://')) {
    const body = rest.slice(rest.indexOf('://') + 3);
    const slash = body.indexOf('/');
    if (slash <= 0 || slash === body.length - 1) {
      throw new MasterUrlError(`Could not parse master URL: '${url}'; the ZooKeeper form needs hosts and a path; ${EXPECTED}`);
    }
    const hosts = body.slice(0, slash).split(',');
    for (const h of hosts) parseHostPort(h, 2181, url);
    const path = body.slice(slash).replace(/\/+$/, '');
    if (/\/\/|\s/.test(path)) throw new MasterUrlError(`Could not parse master URL: '${url}'; invalid ZooKeeper path '${path}'`);
    return { kind: 'zookeeper', connectString: hosts.join(','), path };
  }
  if (rest.includes('/') || rest.includes(',')) {
    throw new MasterUrlError(`Could not parse master URL: '${url}'; ${EXPECTED}`);
  }
  return { kind: 'static', master: parseHostPort(rest, DEFAULT_MASTER_PORT, url) };
}

function parseHostPort(s: string, defaultPort: number, url: string): HostPort {
  const m = /^(.*?)(?::(\d+))?$/.exec(s)!;
  const host = m[1]!;
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (!HOST.test(host) || !(port >= 1 && port <= 65535)) {
    throw new MasterUrlError(`Could not parse master URL: '${url}'; bad host:port '${s}'; ${EXPECTED}`);
  }
  return { host: host.replace(/^\[|\]$/g, ''), port };
}
