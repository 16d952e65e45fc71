import * as fs from 'node:fs';
import * as path from 'node:path';
import { IllegalArgumentError } from '../errors.js';
import type { RDD } from './rdd.js';
import type { ResultSpec } from './result-spec.js';
import type { TaskContext } from './task-context.js';

/**
 * Hadoop's v1 output commit protocol, shared by saveAsTextFile, saveAsObjectFile and reliable
 * checkpoints. Each task writes under <dir>/_temporary and commits by renaming into
 * _temporary/committed; when the job succeeds the driver moves the part files into place and
 * writes _SUCCESS. A failed job removes the directory, so it leaves no partial output and the
 * path can be used again.
 */
export async function saveOutput(rdd: RDD<unknown>, dir: string, spec: ResultSpec): Promise<void> {
  const abs = path.resolve(dir);
  if (fs.existsSync(abs)) {
    throw new IllegalArgumentError(`Output directory file:${abs} already exists; choose a new path or delete it first`);
  }
  const temporary = path.join(abs, '_temporary');
  fs.mkdirSync(temporary, { recursive: true });
  try {
    await rdd.kc.runJob(rdd, { ...spec, args: { ...spec.args, dir: abs } });
  } catch (e) {
    // Abort: nothing was moved into place. Tasks being killed may still be writing under <dir>,
    // so first move it aside atomically: they address everything through <dir> and create
    // directories non-recursively, so they can no longer add entries to what gets removed.
    try {
      const aborted = `${abs}.aborted-${process.pid}-${Date.now()}`;
      fs.renameSync(abs, aborted);
      fs.rmSync(aborted, { recursive: true, force: true, maxRetries: 2 });
    } catch {
      // keep the job's error
    }
    throw e;
  }
  // Job commit: move every committed part file into place, then mark success.
  const committed = path.join(temporary, 'committed');
  for (const name of fs.existsSync(committed) ? fs.readdirSync(committed) : []) {
    fs.renameSync(path.join(committed, name), path.join(abs, name));
  }
  fs.rmSync(temporary, { recursive: true, force: true });
  fs.writeFileSync(path.join(abs, '_SUCCESS'), '');
}

/** part-00000, part-00001, ... with an optional extension such as ".gz". */
export function partFileName(partition: number, extension = ''): string {
  return `part-${String(partition).padStart(5, '0')}${extension}`;
}

/** Task side: `write` fills the attempt's file, which is then committed by an atomic rename. */
export function commitTaskOutput(dir: string, tc: TaskContext, name: string, write: (fd: number) => void): void {
  const temporary = path.join(dir, '_temporary');
  // Non-recursive: if the job was aborted and _temporary removed, a straggler fails instead of recreating it.
  const attemptDir = path.join(temporary, `attempt_${tc.stageId}_${tc.partitionId}_${tc.attemptNumber}_${tc.taskAttemptId}`);
  fs.mkdirSync(attemptDir);
  try {
    const tmp = path.join(attemptDir, name);
    const fd = fs.openSync(tmp, 'w');
    try {
      write(fd);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    // Task commit (Hadoop's v1 committer): an atomic rename into _temporary/committed. A retried
    // attempt replaces the file whole; the driver moves committed files into place on job success.
    const committed = path.join(temporary, 'committed');
    try {
      fs.mkdirSync(committed);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    fs.renameSync(tmp, path.join(committed, name));
  } finally {
    fs.rmSync(attemptDir, { recursive: true, force: true });
  }
}
