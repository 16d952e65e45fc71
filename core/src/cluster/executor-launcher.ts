import type { ExecutorLossReason } from '../scheduler/executor-loss-reason.js';

/**
 * The adapter-specific half of a process-based backend: how executor processes are started and
 * stopped (spawned locally, granted by a standalone master, run in YARN containers, ...).
 * The launcher reports a process that ended through
 * CoarseGrainedSchedulerBackend.executorProcessExited.
 */
export interface ExecutorLauncher {
  /** Aim for `total` live executors; resolves true if the request was accepted. */
  requestTotal(total: number): Promise<boolean>;
  /**
   * Stop these executors; resolves true if the request was accepted. With `replace`, the total
   * stays the same and new executors take their place (a hung executor); otherwise the total drops.
   */
  kill(executorIds: string[], replace?: boolean): Promise<boolean>;
  /** Stop every executor and free every resource; resolves once the processes are gone. */
  stop(): Promise<void>;
  /** Why an executor's connection dropped, if the launcher learns it within `waitMs` (e.g. its exit code). */
  lossReason?(executorId: string, waitMs: number): Promise<ExecutorLossReason | undefined>;
  /** An executor it launched has registered with the driver (a healthy start: reset failure counts). */
  executorRegistered?(executorId: string): void;
}
