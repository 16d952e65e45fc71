import type { SerializedError } from '../errors.js';
import type { TaskLocalityName } from '../scheduler/task-locality.js';

export interface JobStartEvent {
  jobId: number;
  stageIds: number[];
  /** The local properties the job was submitted with (kindling.scheduler.pool, kindling.jobGroup.id, ...). */
  properties?: Readonly<Record<string, string>>;
  time: number;
}

export interface JobEndEvent {
  jobId: number;
  succeeded: boolean;
  /** Why the job ended; `error` holds the message when it did not succeed. */
  result: 'succeeded' | 'failed' | 'cancelled';
  error?: string;
  time: number;
}

export interface StageEvent {
  stageId: number;
  attemptId: number;
  name: string;
  numTasks: number;
  parentIds: number[];
  /** The scheduler pool the stage ran in ("default" unless its job set kindling.scheduler.pool). */
  pool: string;
  /** Set on onStageCompleted when the attempt failed. */
  failureReason?: string;
  /** The stage's RDDs (its final RDD and narrow ancestors), as Spark's StageInfo.rddInfos. */
  rddInfos?: RddInfo[];
}

export interface RddInfo {
  id: number;
  /** Set with rdd.setName(). */
  name?: string;
  /** "map at app.ts:12". */
  callSite: string;
  numPartitions: number;
  storageLevel: string;
  parentIds: number[];
}

export interface TaskEvent {
  taskId: number;
  stageId: number;
  stageAttemptId: number;
  partition: number;
  attempt: number;
  executorId: string;
  host: string;
  locality: TaskLocalityName;
  /** onTaskEnd only: whether the attempt succeeded. */
  successful: boolean;
  durationMs: number;
  /** onTaskEnd only: how the attempt ended (success, exception, fetch-failed, executor-lost, killed, resubmitted, result-lost). */
  endReason?: string;
  error?: SerializedError;
}

export interface ExecutorEvent {
  executorId: string;
  host: string;
  cores: number;
  /** Why it was added (e.g. a dynamic-allocation request) or removed (e.g. "idle for 60 s"). */
  reason?: string;
  time: number;
}

/** Callbacks for scheduler events; every one is optional. Exceptions in callbacks are logged and ignored. */
export interface KindlingListener {
  onJobStart?(event: JobStartEvent): void;
  onJobEnd?(event: JobEndEvent): void;
  onStageSubmitted?(event: StageEvent): void;
  onStageCompleted?(event: StageEvent): void;
  onTaskStart?(event: TaskEvent): void;
  onTaskEnd?(event: TaskEvent): void;
  onExecutorAdded?(event: ExecutorEvent): void;
  onExecutorRemoved?(event: ExecutorEvent): void;
}
