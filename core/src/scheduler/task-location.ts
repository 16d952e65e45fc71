/**
 * Where a task would like to run. With `executorId` it is a cached block on that executor
 * (PROCESS_LOCAL there); without it, any executor on the host (NODE_LOCAL).
 */
export interface TaskLocation {
  host: string;
  executorId?: string;
}

export function formatTaskLocation(loc: TaskLocation): string {
  return loc.executorId === undefined ? loc.host : `executor_${loc.host}_${loc.executorId}`;
}
