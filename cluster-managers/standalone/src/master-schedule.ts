/** One application's next executors (Spark's startExecutorsOnWorkers): usable workers, then scheduleExecutorsOnWorkers. */
import { executorsForAssignment, scheduleExecutorsOnWorkers } from './executor-allocation.js';
import { coresGranted, coresUsed, memoryUsed, type AppInfo, type WorkerInfo } from './master-model.js';

export function executorsToLaunch(app: AppInfo, workers: Iterable<WorkerInfo>, defaultCores: number, spreadOut: boolean): Array<{ worker: WorkerInfo; cores: number }> {
  const requested = app.desc.maxCores > 0 ? app.desc.maxCores : defaultCores;
  const coresLeft = requested - coresGranted(app);
  const perExecutor = app.desc.coresPerExecutor > 0 ? app.desc.coresPerExecutor : undefined;
  if (coresLeft < (perExecutor ?? 1)) return [];
  const memory = app.desc.memoryPerExecutorMib;
  // Alive workers with room for one executor, most free cores first (Spark's CORES_FREE_DESC).
  const usable = [...workers]
    .filter((w) => w.state === 'ALIVE' && w.conn && w.memoryMib - memoryUsed(w) >= memory && w.cores - coresUsed(w) >= (perExecutor ?? 1))
    .sort((a, b) => b.cores - coresUsed(b) - (a.cores - coresUsed(a)));
  const assigned = scheduleExecutorsOnWorkers(
    { coresLeft, coresPerExecutor: perExecutor, memoryPerExecutorMib: memory, executorCount: app.executors.size, executorLimit: app.executorLimit },
    usable.map((w) => ({ coresFree: w.cores - coresUsed(w), memoryFreeMib: w.memoryMib - memoryUsed(w) })),
    spreadOut,
  );
  return usable.flatMap((worker, i) => executorsForAssignment(assigned[i]!, perExecutor).map((cores) => ({ worker, cores })));
}
