import type { TaskLocation } from './task-location.js';

export type TaskKind = 'shuffle-map' | 'result';

/** One task of a stage attempt, before it is launched (no task id yet). */
export interface Task {
  kind: TaskKind;
  stageId: number;
  stageAttemptId: number;
  /** Partition of the stage's RDD this task computes. */
  partition: number;
  /** For result tasks: the index into the job's partition list. */
  outputId: number;
  jobId: number;
  /** Map-output epoch when the task set was created; results from older epochs may be stale. */
  epoch: number;
  preferredLocations: TaskLocation[];
}
