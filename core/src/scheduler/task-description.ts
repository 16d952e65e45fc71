import type { Task } from './task.js';

/** A launched task attempt: what the backend sends to an executor (a Task minus its placement hints). */
export interface TaskDescription extends Omit<Task, 'preferredLocations'> {
  taskId: number;
  attemptNumber: number;
  executorId: string;
  /** "task <index>.<attempt> in stage <stageId>.<stageAttemptId>" */
  name: string;
  /** Index of the task within its task set. */
  index: number;
  binaryId: number;
}
