/** How a pool orders what it holds: by job (FIFO) or by fair share (FAIR). */
export type SchedulingMode = 'FIFO' | 'FAIR';

export const SCHEDULING_MODES: readonly SchedulingMode[] = ['FIFO', 'FAIR'];

/** A pool or a task set manager, as the scheduling algorithms compare them (Spark's Schedulable). */
export interface Schedulable {
  readonly name: string;
  readonly weight: number;
  /** Cores the schedulable should get before others are served by weight. */
  readonly minShare: number;
  readonly runningTasks: number;
  /** FIFO key: the job id; pools use 0. */
  readonly priority: number;
  /** FIFO tie-break: the stage id; pools use -1. */
  readonly stageId: number;
}
