import type { TaskKind } from './task.js';

/** A launched task attempt: what the backend sends to an executor. */
export interface TaskDescription {
  taskId: number;
  attemptNumber: number;
  executorId: string;
  /** "task <index>.<attempt> in stage <stageId>.<stageAttemptId>" */
  name: string;
  /** Index of the task within its task set. */
  index: number;
  kind: TaskKind;
  stageId: number;
  stageAttemptId: number;
  partition: number;
  outputId: number;
  jobId: number;
  epoch: number;
  binaryId: number;
}
