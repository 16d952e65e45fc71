import { TaskLocality } from './task-locality.js';
import type { TaskLocation } from './task-location.js';

/**
 * The pending-task lists of one TaskSetManager, as Spark's PendingTasksByLocality (without racks:
 * Kindling has no rack resolver).
 *
 * Each list is a stack whose top is the end of the array; the manager pushes indices in reverse
 * order so low indices launch first, and pushes a failed index again so it is retried soon.
 * Removal is lazy: an index stays in every list it was pushed to, and entries that are no longer
 * pending (running or finished) are dropped only when they reach the top. Because a task that
 * becomes pending again is always pushed again, every pending index is in all of its lists, and
 * each push is popped at most once: dequeueing is amortised O(1).
 */
export class PendingTasks {
  readonly forExecutor = new Map<string, number[]>();
  readonly forHost = new Map<string, number[]>();
  readonly noPrefs: number[] = [];
  readonly all: number[] = [];

  constructor(private readonly isPending: (index: number) => boolean) {}

  /** A cached-block location (with executorId) is both executor- and host-local. */
  add(index: number, locations: readonly TaskLocation[]): void {
    for (const loc of locations) {
      if (loc.executorId !== undefined) pushTo(this.forExecutor, loc.executorId, index);
      pushTo(this.forHost, loc.host, index);
    }
    if (locations.length === 0) this.noPrefs.push(index);
    this.all.push(index);
  }

  /**
   * The next task for an offer on `execId`/`host`, as Spark's dequeueTask: executor list, host list,
   * no-prefs (reported PROCESS_LOCAL, tried after node-local ones), then all (ANY).
   */
  dequeueTask(
    execId: string,
    host: string,
    maxLocality: TaskLocality,
  ): { index: number; locality: TaskLocality } | undefined {
    let index = this.dequeue(this.forExecutor.get(execId));
    if (index !== undefined) return { index, locality: TaskLocality.PROCESS_LOCAL };
    if (maxLocality >= TaskLocality.NODE_LOCAL) {
      index = this.dequeue(this.forHost.get(host));
      if (index !== undefined) return { index, locality: TaskLocality.NODE_LOCAL };
    }
    if (maxLocality >= TaskLocality.NO_PREF) {
      index = this.dequeue(this.noPrefs);
      if (index !== undefined) return { index, locality: TaskLocality.PROCESS_LOCAL };
    }
    if (maxLocality >= TaskLocality.ANY) {
      index = this.dequeue(this.all);
      if (index !== undefined) return { index, locality: TaskLocality.ANY };
    }
    return undefined;
  }

  /** Pops and returns the topmost pending index, discarding stale entries above it. */
  dequeue(list: number[] | undefined): number | undefined {
    if (list === undefined) return undefined;
    while (list.length > 0) {
      const index = list.pop()!;
      if (this.isPending(index)) return index;
    }
    return undefined;
  }

  /** Whether the list still holds a pending index; trims stale entries off the top. */
  hasPending(list: number[]): boolean {
    while (list.length > 0) {
      if (this.isPending(list[list.length - 1]!)) return true;
      list.pop();
    }
    return false;
  }

  /**
   * Whether any list of the map holds a pending index (Spark's moreTasksToRunIn). Lists found
   * empty are deleted so later calls do not visit them again.
   */
  anyPending(lists: Map<string, number[]>): boolean {
    for (const [key, list] of lists) {
      if (this.hasPending(list)) return true;
      lists.delete(key);
    }
    return false;
  }
}

function pushTo(lists: Map<string, number[]>, key: string, index: number): void {
  const list = lists.get(key);
  if (list === undefined) lists.set(key, [index]);
  else list.push(index);
}
