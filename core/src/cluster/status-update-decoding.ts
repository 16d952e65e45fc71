import { ProtocolError, serializeError } from '../errors.js';
import { decodeTaskFailure, decodeTaskResult } from '../executor/task-result-codec.js';
import type { TaskState } from '../scheduler/task-state.js';
import type { TaskStatusUpdate } from '../scheduler/task-status-update.js';

/**
 * Turns a statusUpdate into what the task scheduler needs. A body that does not decode fails
 * the task with the decode error as its reason, so it is retried like any task failure (Spark's
 * TaskResultGetter does the same) instead of leaving the task running forever.
 */
export function decodeStatusUpdate(executorId: string, taskId: number, state: TaskState, body: Uint8Array): TaskStatusUpdate | undefined {
  try {
    if (state === 'FINISHED') return { state, result: decodeTaskResult(body) };
    if (state === 'FAILED' || state === 'KILLED' || state === 'LOST') return { state, reason: decodeTaskFailure(body) };
    return undefined;
  } catch (e) {
    const error = new ProtocolError(
      `The ${state === 'FINISHED' ? 'result' : 'failure report'} of task ${taskId} from executor ${executorId} could not be decoded: ` +
        `${(e as Error).message}`,
    );
    return { state: 'FAILED', reason: { kind: 'exception', error: serializeError(error) } };
  }
}
