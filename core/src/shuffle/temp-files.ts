import { randomBytes } from 'node:crypto';
import { closeSync, openSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

/** Random suffix for temp and spill names, so concurrent task attempts never collide. */
export function randomSuffix(): string {
  return randomBytes(6).toString('hex');
}

/** Creates a new file (exclusively: an existing file is an error, never overwritten). */
export function openTempFile(dir: string, prefix: string): { path: string; fd: number } {
  const path = join(dir, `${prefix}-${randomSuffix()}.tmp`);
  return { path, fd: openSync(path, 'wx') };
}

/** Cleanup must not mask the error that caused it. */
export function closeQuietly(fd: number | undefined): void {
  if (fd === undefined) return;
  try {
    closeSync(fd);
  } catch {
    // already closed or invalid: nothing left to release
  }
}

export function unlinkQuietly(path: string | undefined): void {
  if (path === undefined) return;
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
