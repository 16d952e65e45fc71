import { IllegalArgumentError } from '../errors.js';

/**
 * The most partitions parallelize() and range() accept. Every partition becomes a task that the
 * driver plans, tracks and retries (a few KiB of driver memory each, plus one array per slice for
 * parallelize), so 1e9 slices would exhaust the driver long before a job could start. Spark has
 * no such limit and fails the same way; 100,000 tasks per stage is far beyond what helps on any
 * cluster Kindling targets.
 */
export const MAX_SLICES = 100_000;

/** Checks a slice count given to parallelize() or range() before anything is allocated. */
export function checkSliceCount(numSlices: number, method: 'parallelize' | 'range', dataLength?: number): number {
  if (!Number.isInteger(numSlices) || numSlices < 1) {
    throw new IllegalArgumentError(
      `${method}(): numSlices must be a positive integer, got ${String(numSlices)}; omit it to use kc.defaultParallelism`,
    );
  }
  if (numSlices > MAX_SLICES) {
    const hint = dataLength !== undefined ? ` (the data has ${dataLength} elements)` : '';
    throw new IllegalArgumentError(
      `${method}(): numSlices ${numSlices} exceeds the limit of ${MAX_SLICES}${hint}. Each slice is a task the driver ` +
        `plans and tracks in memory, so this many would exhaust the driver; use at most ${MAX_SLICES} ` +
        '(a few times the total executor cores is typical), or omit it to use kc.defaultParallelism',
    );
  }
  return numSlices;
}
