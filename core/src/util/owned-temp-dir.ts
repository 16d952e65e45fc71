/**
 * Temporary directories that do not outlive their process. Each holds a marker with the owner's
 * pid and host. It is removed when the process exits in any way Node sees (stop, a top-level
 * throw, process.exit, SIGINT/SIGTERM/SIGHUP without a handler of the app's own); after a
 * kill -9, the next process that creates one with the same prefix removes the dead owner's.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const OWNER_MARKER = '.kindling-owner';

export interface OwnedTempDir {
  readonly path: string;
  /** Removes the directory now (idempotent); `beforeRemove` hooks run first. */
  remove(): void;
  /** Runs synchronously before removal, also at exit: e.g. SIGKILL child processes writing into it. */
  beforeRemove(hook: () => void): void;
}

interface Marker {
  pid: number;
  host: string;
}

const live = new Set<{ remove(): void }>();
let exitHooksInstalled = false;

/** mkdtemp under `root` with `prefix`, after sweeping `prefix*` directories whose owner is dead. */
export function createOwnedTempDir(root: string, prefix: string): OwnedTempDir {
  fs.mkdirSync(root, { recursive: true });
  removeOrphans(root, prefix);
  const dir = fs.mkdtempSync(path.join(root, prefix));
  const marker: Marker = { pid: process.pid, host: os.hostname() };
  fs.writeFileSync(path.join(dir, OWNER_MARKER), JSON.stringify(marker));
  const hooks: Array<() => void> = [];
  let removed = false;
  const handle = {
    path: dir,
    beforeRemove(hook: () => void): void {
      hooks.push(hook);
    },
    remove(): void {
      if (removed) return;
      removed = true;
      live.delete(handle);
      for (const hook of hooks) {
        try {
          hook();
        } catch {
          // removal matters more than a failed hook
        }
      }
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
    },
  };
  live.add(handle);
  installExitHooks();
  return handle;
}

/** Removes `prefix*` directories under `root` whose marker names a dead process on this host. */
export function removeOrphans(root: string, prefix: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const dir = path.join(root, name);
    const marker = readMarker(dir);
    if (!marker || marker.host !== os.hostname() || processAlive(marker.pid)) continue;
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // another user's directory, or another process removes it right now
    }
  }
  return removed;
}

function readMarker(dir: string): Marker | undefined {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, OWNER_MARKER), 'utf8')) as Partial<Marker>;
    return typeof m.pid === 'number' && typeof m.host === 'string' ? { pid: m.pid, host: m.host } : undefined;
  } catch {
    return undefined; // no marker: not ours to judge (older version, or being created)
  }
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
  }
}

function removeAll(): void {
  for (const d of [...live]) d.remove();
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  // 'exit' also fires after an uncaught exception or an unhandled rejection.
  process.on('exit', removeAll);
  for (const signal of SIGNALS) {
    const onSignal = (): void => {
      // If the app handles the signal itself, it decides whether to exit (and 'exit' cleans up).
      if (process.listenerCount(signal) > 1) return;
      removeAll();
      process.off(signal, onSignal);
      process.kill(process.pid, signal); // die of the signal as if we had not been here
    };
    process.on(signal, onSignal);
  }
}
