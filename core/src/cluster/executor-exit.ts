import type { ExecutorLossReason } from '../scheduler/executor-loss-reason.js';

/** How an executor process ended, as a launcher observes it. */
export interface ExecutorExit {
  code: number | null;
  signal: string | null;
  pid?: number;
}

/**
 * The loss reason for an ended executor process. A process that ended on its own with an error
 * code was brought down by the app's tasks; one killed by a signal from outside, or on the
 * driver's request, was not.
 */
export function executorExitReason(exit: ExecutorExit, killedByDriver = false): ExecutorLossReason {
  const how = exit.signal ? `killed by signal ${exit.signal}` : `exited with code ${exit.code}`;
  return {
    message: killedByDriver ? `Executor killed by driver (${how})` : `Executor process${exit.pid ? ` ${exit.pid}` : ''} ${how}`,
    exitCausedByApp: !killedByDriver && exit.signal === null && exit.code !== 0,
  };
}
