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
  parent: Pool | undefined;
  private readonly children: Array<Pool | TaskSetManager> = [];
  private readonly comparator: SchedulableComparator;
  /** Kept current by the task sets below (as Spark's Pool.increaseRunningTasks), so sorting reads a field. */
  private running = 0;

  constructor(
    readonly name: string,
    readonly schedulingMode: SchedulingMode,
    readonly minShare: number,
    readonly weight: number,
  ) {
    this.comparator = comparatorFor(schedulingMode);
  }

  get runningTasks(): number {
    return this.running;
  }

  adjustRunningTasks(delta: number): void {
    this.running += delta;
    this.parent?.adjustRunningTasks(delta);
  }

  add(child: Pool | TaskSetManager): void {
    child.parent = this;
    if (child.runningTasks !== 0) this.adjustRunningTasks(child.runningTasks);
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
    if (i < 0) return false;
    this.children.splice(i, 1);
    child.parent = undefined;
    if (child.runningTasks !== 0) this.adjustRunningTasks(-child.runningTasks);
    return true;
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
    // FAIR: re-sort in place by current shares; names are unique, so the order is total.
    if (this.schedulingMode === 'FAIR') insertionSort(this.children, this.comparator);
    for (const child of this.children) {
      if (child instanceof Pool) child.getSortedTaskSetQueue(out);
      else out.push(child);
    }
    return out;
  }
}

/** Stable, in place, allocation-free: pools are few and nearly sorted from the last round. */
function insertionSort<T extends Schedulable>(items: T[], compare: SchedulableComparator): void {
  for (let i = 1; i < items.length; i++) {
    const item = items[i]!;
    let j = i - 1;
    while (j >= 0 && compare(items[j]!, item) > 0) {
      items[j + 1] = items[j]!;
      j--;
    }
    items[j + 1] = item;
  }
}
