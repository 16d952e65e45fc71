import type { SerializedError } from '../errors.js';

/** Why a task attempt ended. Mirrors Spark's TaskEndReason family. */
export type TaskEndReason =
  | { kind: 'success' }
  /**
   * The task's code threw. Counts towards kindling.task.maxFailures, unless `deterministic`:
   * every attempt would fail the same way (e.g. a result that cannot be cloned), so the job fails at once.
   */
  | { kind: 'exception'; error: SerializedError; deterministic?: boolean }
  /** A reducer could not read map output; the DAG scheduler re-runs the map stage. Never retried as a task. */
  | {
      kind: 'fetch-failed';
      shuffleId: number;
      mapIndex: number;
      reduceId: number;
      executorId: string;
      message: string;
    }
  /** The executor went away. Counts only if the app caused the exit. */
  | { kind: 'executor-lost'; executorId: string; exitCausedByApp: boolean; reason: string }
  /** Killed on request (job cancelled, another attempt won). Does not count. */
  | { kind: 'killed'; reason: string }
  /** A finished map task whose output was lost with its executor; it must run again. */
  | { kind: 'resubmitted' }
  /** The result could not be retrieved. Counts. */
  | { kind: 'result-lost'; message: string };

export function describeTaskEndReason(reason: TaskEndReason): string {
  switch (reason.kind) {
    case 'success':
      return 'Success';
    case 'exception':
      return reason.error.stack || `${reason.error.name}: ${reason.error.message}`;
    case 'fetch-failed':
      return `FetchFailed(executor ${reason.executorId}, shuffleId=${reason.shuffleId}, mapIndex=${reason.mapIndex}, reduceId=${reason.reduceId}, message=${reason.message})`;
    case 'executor-lost':
      return `ExecutorLostFailure (executor ${reason.executorId} exited ${reason.exitCausedByApp ? 'caused by one of the running tasks' : 'unrelated to the running tasks'}) Reason: ${reason.reason}`;
    case 'killed':
      return `TaskKilled (${reason.reason})`;
    case 'resubmitted':
      return 'Resubmitted (resubmitted due to lost executor)';
    case 'result-lost':
      return `TaskResultLost (${reason.message})`;
  }
}

/** Whether a failure of this kind counts towards kindling.task.maxFailures. */
export function countsTowardsTaskFailures(reason: TaskEndReason): boolean {
  switch (reason.kind) {
    case 'exception':
    case 'result-lost':
      return true;
    case 'executor-lost':
      return reason.exitCausedByApp;
    default:
      return false;
  }
}
