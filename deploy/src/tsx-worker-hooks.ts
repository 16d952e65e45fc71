/**
 * Node versions on which tsx (4.21+) registers its ESM hooks inside worker threads by itself.
 * On older ones it only registers them on the main thread, so executor task threads (workers)
 * could not import the app's `.ts` modules; tsx-preload registers the hooks there instead.
 * Mirrors tsx's own table: 22.22.3+, 24.11.1+, 25.1.0+, 26+.
 */
const WORKER_HOOKS_SINCE: ReadonlyArray<readonly [number, number, number]> = [
  [22, 22, 3],
  [24, 11, 1],
  [25, 1, 0],
  [26, 0, 0],
];

/** True when tsx already covers worker threads on this Node version (e.g. '20.20.2' → false). */
export function tsxRegistersInWorkers(nodeVersion: string): boolean {
  const [major = 0, minor = 0, patch = 0] = nodeVersion.split('.').map((n) => Number.parseInt(n, 10));
  const last = WORKER_HOOKS_SINCE[WORKER_HOOKS_SINCE.length - 1]!;
  if (major > last[0]) return true;
  const since = WORKER_HOOKS_SINCE.find(([m]) => m === major);
  if (!since) return false;
  return minor > since[1] || (minor === since[1] && patch >= since[2]);
}
