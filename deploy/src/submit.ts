import { spawn } from 'node:child_process';
import * as os from 'node:os';
import { KindlingError } from '@kindling/core';
import { LIFELINE_FD, type LaunchCommand } from './launch-command.js';

const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * Runs the application as a child process with inherited stdio and resolves with its exit code
 * (128 + signal number when a signal killed it, as shells report). SIGINT and SIGTERM received
 * meanwhile go to the child, so it can stop its KindlingContext; this process waits for it. A pipe
 * on fd 3 is the child's lifeline: if this process dies, the driver sees end-of-file and stops.
 */
export function launch(cmd: LaunchCommand): Promise<number> {
  return new Promise((resolve, reject) => {
    const stdio: Array<'inherit' | 'pipe'> = ['inherit', 'inherit', 'inherit'];
    while (stdio.length < LIFELINE_FD) stdio.push('inherit');
    stdio[LIFELINE_FD] = 'pipe';
    const child = spawn(cmd.command, cmd.args, { stdio, env: cmd.env });
    const forward = (signal: NodeJS.Signals) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    for (const s of FORWARDED_SIGNALS) process.on(s, forward);
    const cleanup = () => {
      for (const s of FORWARDED_SIGNALS) process.off(s, forward);
    };
    child.once('error', (e) => {
      cleanup();
      reject(new KindlingError(`Could not start the application with ${cmd.command}: ${e.message}`, { cause: e }));
    });
    child.once('exit', (code, signal) => {
      cleanup();
      child.stdio[LIFELINE_FD]?.destroy();
      resolve(code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0));
    });
  });
}
