/**
 * Loaded with `node --import` by kindling-submit. Worker threads inherit the `--import` flag, so
 * this runs on the driver's main thread and on every executor task thread: it makes both able to
 * import TypeScript (the app itself, and modules shipped with useModule('./lib/x.ts')).
 */
import * as workerThreads from 'node:worker_threads';
import 'tsx';
import { tsxRegistersInWorkers } from './tsx-worker-hooks.js';

// isInternalThread (Node 22.14+) marks Node's own loader-hooks thread, which must not register hooks.
const internal = (workerThreads as { isInternalThread?: boolean }).isInternalThread === true;
if (!workerThreads.isMainThread && !internal && !tsxRegistersInWorkers(process.versions.node)) {
  const { register } = await import('tsx/esm/api');
  register();
}
