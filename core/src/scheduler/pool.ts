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
    if (this.schedulingMode === 'FAIR') {
      this.children.push(child);
      return;
    }
    // FIFO keys never change: keep the children sorted (after equal keys, so submission order
    // breaks ties) instead of sorting on every offer.
    let lo = 0;
    let hi = this.children.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.comparator(this.children[mid]!, child) <= 0) lo = mid + 1;
      else hi = mid;
    }
    this.children.splice(lo, 0, child);
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
    for (const child of this.schedulingMode === 'FAIR' ? this.fairOrder() : this.children) {
      if (child instanceof Pool) child.getSortedTaskSetQueue(out);
      else out.push(child);
    }
    return out;
  }

  /** Children by fair share, from one snapshot of their running tasks (a pool's count is a sum). */
  private fairOrder(): Array<Pool | TaskSetManager> {
    if (this.children.length < 2) return this.children;
    const snapshot = this.children.map((child) => ({
      child,
      name: child.name,
      weight: child.weight,
      minShare: child.minShare,
      runningTasks: child.runningTasks,
      priority: child.priority,
      stageId: child.stageId,
    }));
    // A stable sort: equal shares keep submission order.
    return snapshot.sort(this.comparator).map((s) => s.child);
  }
}
