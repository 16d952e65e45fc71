import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PipeFailedError } from '../errors.js';
import { writeTextLines } from './output-formats.js';
import type { TaskContext } from './task-context.js';
import { readSplitLines } from './text-file.js';

export interface PipeArgs {
  command: string[];
  env: Record<string, string>;
}

/** Spark's PipedRDD.tokenize: a command string splits on whitespace. */
export function tokenizeCommand(command: string | string[]): string[] {
  return Array.isArray(command) ? [...command] : command.split(/\s+/).filter((t) => t.length > 0);
}

const STDERR_TAIL = 4096;

/**
 * Runs the command once for the partition: its records, one line each as toString prints them,
 * go to its stdin; its stdout lines are the output records. Input and output go through files
 * in the task's spill directory, so partitions larger than memory work while the task thread
 * blocks in spawnSync (tasks are synchronous, like Spark's task threads).
 */
export function runPipe(args: PipeArgs, partition: number, it: Iterator<unknown>, tc: TaskContext): Iterator<unknown> {
  const dir = tc.spillDir;
  const input = path.join(dir, `pipe-${partition}-in`);
  const output = path.join(dir, `pipe-${partition}-out`);
  const fd = fs.openSync(input, 'w');
  try {
    writeTextLines(fd, it, false);
  } finally {
    fs.closeSync(fd);
  }
  const inFd = fs.openSync(input, 'r');
  const outFd = fs.openSync(output, 'w');
  let result: ReturnType<typeof spawnSync>;
  try {
    result = spawnSync(args.command[0]!, args.command.slice(1), {
      stdio: [inFd, outFd, 'pipe'],
      env: { ...process.env, ...args.env },
      maxBuffer: 16 * 1024 * 1024,
    });
  } finally {
    fs.closeSync(inFd);
    fs.closeSync(outFd);
  }
  const ran = args.command.join(' ');
  if (result.error) {
    throw new PipeFailedError(`Cannot run program "${args.command[0]}" (command: ${ran}): ${result.error.message}`, { cause: result.error });
  }
  if (result.status !== 0) {
    const stderr = String(result.stderr ?? '').slice(-STDERR_TAIL).trimEnd();
    const how = result.status === null ? `was killed by ${result.signal}` : `exited with status ${result.status}`;
    throw new PipeFailedError(`Subprocess ${how}. Command ran: ${ran}${stderr ? `\nstderr:\n${stderr}` : ''}`);
  }
  return readSplitLines({ path: output, start: 0, length: fs.statSync(output).size });
}
