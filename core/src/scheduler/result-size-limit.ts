import type { ActiveJob } from './stage.js';
import type { DirectTaskResult } from './task-result.js';

/**
 * Spark's spark.driver.maxResultSize: counts a result task's serialized bytes against its job;
 * returns the abort reason once the job's results exceed `maxBytes` (0 = unlimited).
 */
export function addResultBytes(job: ActiveJob, result: DirectTaskResult, maxBytes: number): string | undefined {
  job.resultBytes += result.resultBytes ?? 0;
  if (maxBytes <= 0 || job.resultBytes <= maxBytes) return undefined;
  return (
    `Total size of serialized results of ${job.numFinished + 1} tasks (${formatBytes(job.resultBytes)}) is bigger than ` +
    `kindling.driver.maxResultSize (${formatBytes(maxBytes)}); return less data to the driver ` +
    '(take(), a reduce, saveAsTextFile) or raise the limit (0 = unlimited)'
  );
}

/** Rounded for reading, plus the exact count: 1.0 MiB and 1.0 MiB must not look equal. */
function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : `${roundedBytes(n)}, ${n.toLocaleString('en-US')} bytes`;
}

function roundedBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}
