import { JobCancelledError, KindlingError, type JobCancelledBy } from '../errors.js';
import type { JobEndEvent } from '../listener/kindling-listener.js';

/** Spark's job-group local properties, under kindling.* names. */
export const JOB_GROUP_PROPERTY = 'kindling.jobGroup.id';
export const JOB_DESCRIPTION_PROPERTY = 'kindling.job.description';
export const JOB_INTERRUPT_ON_CANCEL_PROPERTY = 'kindling.job.interruptOnCancel';

/** What a job is submitted with besides its RDD and action. */
export interface JobOptions {
  /** The local properties of the submitting async context: pool, job group, description. */
  properties?: Readonly<Record<string, string>>;
  /** Aborting it cancels the job. */
  signal?: AbortSignal;
}

/** The onJobEnd payload: why the job ended (Spark's JobSucceeded / JobFailed). */
export function jobEndEvent(jobId: number, error?: Error): JobEndEvent {
  if (!error) return { jobId, succeeded: true, result: 'succeeded', time: Date.now() };
  const cancelled = KindlingError.isKind(error, 'JobCancelledError');
  return { jobId, succeeded: false, result: cancelled ? 'cancelled' : 'failed', error: error.message, time: Date.now() };
}

/** What an AbortSignal's reason says, for error messages. */
export function describeAbortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason.message;
  return reason === undefined ? 'aborted' : String(reason);
}

/** "Job N cancelled <detail>", with who cancelled it and the job's group. */
export function jobCancelledError(
  jobId: number,
  properties: Readonly<Record<string, string>>,
  detail: string,
  cancelledBy: JobCancelledBy,
  cause?: unknown,
): JobCancelledError {
  return new JobCancelledError(`Job ${jobId} cancelled ${detail}`, { cancelledBy, jobId, jobGroup: properties[JOB_GROUP_PROPERTY], cause });
}
