import type { TaskEndReason } from './task-end-reason.js';
import type { DirectTaskResult } from './task-result.js';

/** What a backend reports about a launched task. */
export type TaskStatusUpdate =
  | { state: 'RUNNING' }
  | { state: 'FINISHED'; result: DirectTaskResult }
  | { state: 'FAILED' | 'KILLED' | 'LOST'; reason: TaskEndReason };
