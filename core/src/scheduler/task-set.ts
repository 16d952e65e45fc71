import type { Task } from './task.js';

/** The tasks of one stage attempt. */
export interface TaskSet {
  stageId: number;
  stageAttemptId: number;
  /** FIFO priority: the id of the job that submitted it (lower runs first). */
  priority: number;
  tasks: Task[];
  /** Id of the serialized stage (RDD pipeline + function), shipped once per executor. */
  binaryId: number;
  properties?: Record<string, string>;
}

export function taskSetId(ts: { stageId: number; stageAttemptId: number }): string {
  return `${ts.stageId}.${ts.stageAttemptId}`;
}
