/**
 * Loaded with `node --import` by kindling-submit. Worker threads inherit the `--import` flag, so
 * this runs on the driver's main thread and on every executor task thread: it makes both able to
 * import TypeScript (the app itself, and modules shipped with useModule('./lib/x.ts')). In the
 * driver it also watches kindling-submit, so the driver ends when kindling-submit does.
 */
import * as workerThreads from 'node:worker_threads';
import 'tsx';
import { LIFELINE_ENV } from './launch-command.js';
import { watchSubmitter } from './submitter-lifeline.js';
import { tsxRegistersInWorkers } from './tsx-worker-hooks.js';

// isInternalThread (Node 22.14+) marks Node's own loader-hooks thread, which must not register hooks.
const internal = (workerThreads as { isInternalThread?: boolean }).isInternalThread === true;
if (!workerThreads.isMainThread && !internal && !tsxRegistersInWorkers(process.versions.node)) {
  const { register } = await import('tsx/esm/api');
  register();
}
if (workerThreads.isMainThread && process.env[LIFELINE_ENV]) {
  const fd = Number(process.env[LIFELINE_ENV]);
  // Executors and other children the driver starts inherit the environment, not the pipe.
  delete process.env[LIFELINE_ENV];
  if (Number.isInteger(fd) && fd > 2) watchSubmitter(fd);
}
