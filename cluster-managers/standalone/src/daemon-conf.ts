/** Configuration of a daemon: --properties-file, then --conf k=v flags (later wins), as kindling-submit reads them. */
import { ConfigError, KindlingConf, loadPropertiesFile } from '@kindling/core/cluster-manager';

export function daemonConf(propertiesFile: string | undefined, confFlags: string[]): KindlingConf {
  const entries: Record<string, string> = {};
  if (propertiesFile) {
    for (const [k, v] of Object.entries(loadPropertiesFile(propertiesFile))) if (k.startsWith('kindling.')) entries[k] = v;
  }
  for (const flag of confFlags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new ConfigError(`--conf expects key=value, got '${flag}'`);
    entries[flag.slice(0, eq)] = flag.slice(eq + 1);
  }
  return new KindlingConf(entries);
}

export function parsePort(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`${flag} must be a port number (0-65535), got '${text}'`);
  return n;
}

export const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** SIGTERM/SIGINT: stop cleanly (executors first), then exit. */
export function stopOnSignals(stop: () => Promise<void>, log: (m: string) => void): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`Received ${signal}; shutting down`);
    stop().then(
      () => process.exit(0),
      (e: Error) => {
        log(`Shutdown failed: ${e.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
