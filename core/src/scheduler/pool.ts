import { comparatorFor, type SchedulableComparator } from './scheduling-algorithm.js';
import type { Schedulable, SchedulingMode } from './schedulable.js';
import type { TaskSetManager } from './task-set-manager.js';

/** Spark's defaults for a pool the allocation file does not configure. */
export const DEFAULT_POOL_NAME = 'default';
export const DEFAULT_MINIMUM_SHARE = 0;
export const DEFAULT_WEIGHT = 1;
export const DEFAULT_SCHEDULING_MODE: SchedulingMode = 'FIFO';

/**
 * A node of the scheduling tree (Spark's Pool): the root pool holds named pools (FAIR) or task
 * sets directly (FIFO); a named pool holds task sets, ordered by its own mode.
 */
export class Pool implements Schedulable {
  readonly priority = 0;
  readonly stageId = -1;
  private readonly children: Array<Pool | TaskSetManager> = [];
  private readonly comparator: SchedulableComparator;

  constructor(
    readonly name: string,
    readonly schedulingMode: SchedulingMode,
    readonly minShare: number,
    readonly weight: number,
  ) {
    this.comparator = comparatorFor(schedulingMode);
  }

  get runningTasks(): number {
    let n = 0;
    for (const child of this.children) n += child.runningTasks;
    return n;
  }

  add(child: Pool | TaskSetManager): void {
    this.children.push(child);
  }

  remove(child: Pool | TaskSetManager): boolean {
    const i = this.children.indexOf(child);
    if (i >= 0) this.children.splice(i, 1);
    return i >= 0;
  }

  pool(name: string): Pool | undefined {
    for (const child of this.children) if (child instanceof Pool && child.name === name) return child;
    return undefined;
  }

  get pools(): Pool[] {
    return this.children.filter((c): c is Pool => c instanceof Pool);
  }

  /** Every task set below this pool in the order offers should go to them. */
  getSortedTaskSetQueue(out: TaskSetManager[] = []): TaskSetManager[] {
    // Sort a copy: running-task counts are read once, and a stable sort keeps submission order on ties.
    for (const child of this.children.slice().sort(this.comparator)) {
      if (child instanceof Pool) child.getSortedTaskSetQueue(out);
      else out.push(child);
    }
    return out;
  }
}
