import { MasterUrlError } from '@kindling/core/cluster-manager';

export interface MasterAddress {
  host: string;
  port: number;
}

/** True for every URL this manager claims, malformed or not (so users get its precise error). */
export function isStandaloneUrl(url: string): boolean {
  return url.startsWith('spark://');
}

/**
 * `spark://host:port` or `spark://h1:p1,h2:p2` (several masters under HA; clients follow the
 * leader). Spark's messages: `spark://host` without a port is "Invalid master URL".
 */
export function parseStandaloneUrl(url: string): MasterAddress[] {
  if (!isStandaloneUrl(url)) throw new MasterUrlError(`Invalid master URL: '${url}'; expected spark://host:port[,host2:port2]`);
  const parts = url.slice('spark://'.length).split(',');
  return parts.map((part) => {
    const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9_.-]+):([0-9]{1,5})$/.exec(part.trim());
    const port = m ? Number(m[2]) : NaN;
    if (!m || port < 1 || port > 65535) {
      throw new MasterUrlError(
        `Invalid master URL: spark://${part}` +
          (parts.length > 1 ? ` (in '${url}')` : '') +
          '; expected spark://host:port, e.g. spark://127.0.0.1:7077',
      );
    }
    return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
  });
}

export function formatStandaloneUrl(masters: readonly MasterAddress[]): string {
  return `spark://${masters.map((m) => `${m.host.includes(':') ? `[${m.host}]` : m.host}:${m.port}`).join(',')}`;
}
