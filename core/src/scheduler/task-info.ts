import type { TaskLocalityName } from './task-locality.js';

/** Bookkeeping for one task attempt, shared with listeners. */
export interface TaskInfo {
  taskId: number;
  index: number;
  attemptNumber: number;
  partition: number;
  stageId: number;
  stageAttemptId: number;
  executorId: string;
  host: string;
  locality: TaskLocalityName;
  launchTime: number;
  finishTime: number;
  successful: boolean;
  failed: boolean;
  killed: boolean;
}
