/**
 * Spark's Master.scheduleExecutorsOnWorkers: how many cores one application gets on each usable
 * worker. Pure, so it is tested table-driven; the master applies the result.
 */

export interface AllocationApp {
  /** Cores still wanted: requested (kindling.cores.max or kindling.deploy.defaultCores) minus granted. */
  coresLeft: number;
  /** kindling.executor.cores; undefined = one executor per worker that grows to all its cores. */
  coresPerExecutor: number | undefined;
  memoryPerExecutorMib: number;
  /** Executors the app has now, and the most it may have (the dynamic-allocation target). */
  executorCount: number;
  executorLimit: number;
}

export interface AllocationWorker {
  coresFree: number;
  memoryFreeMib: number;
}

/**
 * Cores to assign per worker (same order as `workers`). `spreadOut` assigns one unit per worker
 * per pass (spreading the app); otherwise it fills a worker before moving to the next.
 * Units are whole executors when coresPerExecutor is set (SPARK-8881).
 */
export function scheduleExecutorsOnWorkers(app: AllocationApp, workers: readonly AllocationWorker[], spreadOut: boolean): number[] {
  const minCores = app.coresPerExecutor ?? 1;
  const oneExecutorPerWorker = app.coresPerExecutor === undefined;
  const memory = app.memoryPerExecutorMib;
  const assignedCores = workers.map(() => 0);
  const assignedExecutors = workers.map(() => 0);
  let coresToAssign = Math.min(app.coresLeft, workers.reduce((s, w) => s + w.coresFree, 0));

  const canLaunch = (pos: number): boolean => {
    const w = workers[pos]!;
    const keepScheduling = coresToAssign >= minCores;
    const enoughCores = w.coresFree - assignedCores[pos]! >= minCores;
    const launchingNew = !oneExecutorPerWorker || assignedExecutors[pos] === 0;
    if (!launchingNew) return keepScheduling && enoughCores;
    const enoughMemory = w.memoryFreeMib - assignedExecutors[pos]! * memory >= memory;
    const underLimit = assignedExecutors.reduce((s, n) => s + n, 0) + app.executorCount < app.executorLimit;
    return keepScheduling && enoughCores && enoughMemory && underLimit;
  };

  let free = workers.map((_, i) => i).filter(canLaunch);
  while (free.length > 0) {
    for (const pos of free) {
      let keep = true;
      while (keep && canLaunch(pos)) {
        coresToAssign -= minCores;
        assignedCores[pos]! += minCores;
        assignedExecutors[pos] = oneExecutorPerWorker ? 1 : assignedExecutors[pos]! + 1;
        if (spreadOut) keep = false;
      }
    }
    free = free.filter(canLaunch);
  }
  return assignedCores;
}

/** The executors (cores each) that a worker's assigned cores become. */
export function executorsForAssignment(assignedCores: number, coresPerExecutor: number | undefined): number[] {
  if (assignedCores <= 0) return [];
  if (coresPerExecutor === undefined) return [assignedCores];
  return Array.from({ length: Math.floor(assignedCores / coresPerExecutor) }, () => coresPerExecutor);
}
