import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (test/dist/helpers/submit.js -> ../../..). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const SUBMIT = path.join(ROOT, 'deploy', 'dist', 'bin', 'kindling-submit.js');
export const TESTDATA = path.join(ROOT, 'test', 'testdata');

export interface SubmitResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** This process's environment without the variables kindling-submit sets for its child. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['KINDLING_MASTER'];
  delete env['KINDLING_APP_NAME'];
  delete env['KINDLING_CONF'];
  return env;
}

/** Starts `node kindling-submit.js ...args`; `onStart` sees the child (to signal it). */
export function runSubmit(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; onStart?: (child: ChildProcess) => void } = {},
): Promise<SubmitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SUBMIT, ...args], { cwd: options.cwd ?? ROOT, env: options.env ?? cleanEnv() });
    const result: SubmitResult = { code: null, signal: null, stdout: '', stderr: '' };
    child.stdout.setEncoding('utf8').on('data', (d: string) => (result.stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (result.stderr += d));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ ...result, code, signal }));
    options.onStart?.(child);
  });
}
