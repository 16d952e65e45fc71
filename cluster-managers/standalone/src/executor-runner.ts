/**
 * One executor process on a worker (Spark's ExecutorRunner): started through core's executor
 * command, its stdout and stderr kept in <work-dir>/<app-id>/<executor-id>/, its end reported.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { executorCommand } from '@kindling/core/cluster-manager';

export interface ExecutorRunnerOptions {
  appId: string;
  executorId: string;
  cores: number;
  memoryMib: number;
  driverUrl: string;
  hostname: string;
  /** The worker's work directory; the executor's logs and scratch space go below it. */
  workDir: string;
  secret?: string;
  nodeOptions: string[];
  /** The unpacked application package on this worker: the executor runs the app's Kindling from it. */
  appRoot: string;
  env: Record<string, string>;
}

export interface ExecutorEnd {
  state: 'KILLED' | 'FAILED' | 'EXITED';
  message: string;
  exitCode: number | null;
  signal: string | null;
}

const STOP_GRACE_MS = 5000;

export class ExecutorRunner {
  readonly dir: string;
  readonly exited: Promise<ExecutorEnd>;
  private readonly child: ChildProcess;
  private killedByWorker = false;

  constructor(readonly options: ExecutorRunnerOptions) {
    this.dir = path.join(options.workDir, options.appId, options.executorId);
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const { command, args, env } = executorCommand({
      driverUrl: options.driverUrl,
      executorId: options.executorId,
      hostname: options.hostname,
      cores: options.cores,
      appId: options.appId,
      workDir: path.join(this.dir, 'scratch'),
      memoryMiB: options.memoryMib,
      secret: options.secret || undefined,
      nodeOptions: options.nodeOptions,
      appSource: { kind: 'unpacked', appRoot: options.appRoot },
      node: process.execPath,
      env: options.env,
    });
    const out = fs.openSync(path.join(this.dir, 'stdout'), 'a', 0o600);
    const err = fs.openSync(path.join(this.dir, 'stderr'), 'a', 0o600);
    try {
      // The worker's own environment minus any daemon secret: executors get only their app's.
      const base = { ...process.env };
      delete base['KINDLING_AUTH_SECRET'];
      this.child = spawn(command, args, { env: { ...base, ...env }, stdio: ['ignore', out, err], cwd: options.appRoot });
    } finally {
      fs.closeSync(out);
      fs.closeSync(err);
    }
    this.exited = new Promise((resolve) => {
      this.child.once('error', (e) => resolve({ state: 'FAILED', message: `Cannot start executor: ${e.message}`, exitCode: null, signal: null }));
      this.child.once('exit', (code, signal) => {
        // Scratch files (shuffle, blocks, spills) die with the executor; its logs stay for the UI.
        fs.rmSync(path.join(this.dir, 'scratch'), { recursive: true, force: true });
        const how = signal ? `killed by signal ${signal}` : `exited with code ${code}`;
        const state = this.killedByWorker ? 'KILLED' : code === 0 ? 'EXITED' : 'FAILED';
        resolve({ state, message: `Command ${how}`, exitCode: code, signal });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** SIGTERM (the executor shuts down cleanly), SIGKILL after a grace period; resolves when it is gone. */
  async kill(): Promise<ExecutorEnd> {
    this.killedByWorker = true;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    const end = await this.exited;
    clearTimeout(timer);
    return end;
  }
}
