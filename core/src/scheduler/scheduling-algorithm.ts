import type { Schedulable, SchedulingMode } from './schedulable.js';

/** A comparator for Array.sort: negative when `a` runs before `b`. */
export type SchedulableComparator = (a: Schedulable, b: Schedulable) => number;

/** Spark's FIFOSchedulingAlgorithm: the earlier job first, then the earlier stage. */
export const fifoComparator: SchedulableComparator = (a, b) => {
  if (a.priority !== b.priority) return a.priority - b.priority;
  return a.stageId - b.stageId;
};

/**
 * Spark's FairSchedulingAlgorithm: one below its minShare ("needy") beats one that is not;
 * two needy ones compare running tasks over minShare; otherwise running tasks over weight;
 * ties go by name.
 */
export const fairComparator: SchedulableComparator = (a, b) => {
  const aNeedy = a.runningTasks < a.minShare;
  const bNeedy = b.runningTasks < b.minShare;
  if (aNeedy && !bNeedy) return -1;
  if (!aNeedy && bNeedy) return 1;
  const compare =
    aNeedy && bNeedy
      ? a.runningTasks / Math.max(a.minShare, 1) - b.runningTasks / Math.max(b.minShare, 1)
      : a.runningTasks / a.weight - b.runningTasks / b.weight;
  if (compare !== 0) return compare < 0 ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
};

export function comparatorFor(mode: SchedulingMode): SchedulableComparator {
  return mode === 'FAIR' ? fairComparator : fifoComparator;
}
