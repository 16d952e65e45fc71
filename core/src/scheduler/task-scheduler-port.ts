import type { ExecutorLossReason } from './executor-loss-reason.js';
import type { TaskDescription } from './task-description.js';
import type { TaskStatusUpdate } from './task-status-update.js';
import type { WorkerOffer } from './worker-offer.js';

/** The task scheduler as a SchedulerBackend sees it. */
export interface TaskSchedulerPort {
  /**
   * Offer free slots; returns the tasks to launch now. `isAllFreeResources` is true for a full
   * round over every executor (a periodic revive), false for an offer from one freed executor.
   */
  resourceOffers(offers: WorkerOffer[], isAllFreeResources?: boolean): TaskDescription[];
  /** Report a task's progress or end. Unknown task ids are ignored (their task set is gone). */
  statusUpdate(taskId: number, update: TaskStatusUpdate): void;
  /** An executor registered and may receive offers. */
  executorAdded(executorId: string, host: string, cores: number): void;
  /** An executor is gone; its running tasks are failed and its outputs forgotten. */
  executorLost(executorId: string, reason: ExecutorLossReason): void;
  /** Abort the task set a launched task belongs to (e.g. its task cannot be sent); the job fails with `message`. */
  abortTaskSetOf?(taskId: number, message: string): void;
  /** The application cannot continue (e.g. executors keep failing to start): fail every running job. */
  error?(message: string): void;
}
