/** Entry point of an executor task thread. */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { TaskDescription } from '../scheduler/task-description.js';
import { SyncCaller } from './sync-channel.js';
import { TaskRunner, type TaskThreadConfig } from './task-runner.js';
import { setKindlingFilesDir } from '../packaging/kindling-files.js';

interface WorkerData {
  config: TaskThreadConfig;
  sync: { port: MessagePort; flag: SharedArrayBuffer };
}

const data = workerData as WorkerData;
setKindlingFilesDir(data.config.filesDir);
const runner = new TaskRunner(new SyncCaller(data.sync.port, data.sync.flag), data.config);

parentPort!.on('message', async (msg: { type: 'run'; task: TaskDescription }) => {
  if (msg.type !== 'run') return;
  const outcome = await runner.run(msg.task);
  const transfer = outcome.ok && outcome.valueBytes.buffer instanceof ArrayBuffer ? [outcome.valueBytes.buffer] : [];
  parentPort!.postMessage({ type: 'done', taskId: msg.task.taskId, outcome }, transfer);
});
