import type { ExecutorLossReason } from './executor-loss-reason.js';
import type { Task } from './task.js';
import type { TaskEndReason } from './task-end-reason.js';
import type { TaskInfo } from './task-info.js';
import type { DirectTaskResult } from './task-result.js';
import type { TaskSet } from './task-set.js';

/** Events the task scheduler sends to the DAG scheduler. */
export interface TaskSchedulerListener {
  taskStarted(task: Task, info: TaskInfo): void;
  /** Every attempt ends exactly once: success (with result) or a failure reason. */
  taskEnded(task: Task, reason: TaskEndReason, result: DirectTaskResult | undefined, info: TaskInfo): void;
  /** The task set was aborted (e.g. a task failed maxTaskFailures times). */
  taskSetFailed(taskSet: TaskSet, reason: string): void;
  executorAdded(executorId: string, host: string, cores: number): void;
  executorLost(executorId: string, host: string, reason: ExecutorLossReason): void;
}
