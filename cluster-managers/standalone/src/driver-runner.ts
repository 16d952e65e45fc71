/**
 * One cluster-mode driver on a worker (Spark's DriverRunner): runs the app's entry file from its
 * unpacked package, keeps stdout/stderr in <work-dir>/<driver-id>/, and with --supervise
 * restarts it after a non-zero exit, backing off 1 s, doubling, reset after a run of 5 s or more.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DriverDescription } from './standalone-messages.js';

export interface DriverRunnerOptions {
  driverId: string;
  desc: DriverDescription;
  /** Every master, so the driver's app follows the leader. */
  masterUrl: string;
  appRoot: string;
  workDir: string;
  /** The daemons' secret, when kindling.authenticate is on: the driver registers its app with it. */
  secret?: string;
  /** Called with RUNNING, RELAUNCHING, FINISHED, FAILED or KILLED. */
  onState(state: string, message: string): void;
  log(message: string): void;
}

const FIRST_BACKOFF_MS = 1000;
const STABLE_RUN_MS = 5000;
const STOP_GRACE_MS = 10_000;

export class DriverRunner {
  readonly dir: string;
  private child: ChildProcess | undefined;
  private killed = false;
  private backoffTimer: NodeJS.Timeout | undefined;
  readonly done: Promise<void>;
  private markDone!: () => void;

  constructor(private readonly o: DriverRunnerOptions) {
    this.dir = path.join(o.workDir, o.driverId);
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.done = new Promise((resolve) => (this.markDone = resolve));
    this.run(FIRST_BACKOFF_MS);
  }

  get appName(): string {
    return this.o.desc.appName;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** SIGTERM (then SIGKILL); no restart afterwards. */
  async kill(): Promise<void> {
    this.killed = true;
    clearTimeout(this.backoffTimer);
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await this.done;
      clearTimeout(t);
    } else {
      this.finish('KILLED', 'killed');
    }
  }

  private run(backoffMs: number): void {
    const { desc } = this.o;
    const entry = path.join(this.o.appRoot, ...desc.entry.split('/'));
    const args = [`--max-old-space-size=${desc.memoryMib}`];
    // TypeScript entries need the package's tsx, as kindling-submit gives them on the submitting machine.
    if (/\.[cm]?tsx?$/.test(entry)) args.push('--import', 'tsx');
    args.push(entry, ...desc.appArgs);
    const conf = { ...desc.conf, 'kindling.app.root': this.o.appRoot, 'kindling.app.entry': entry, 'kindling.submit.deployMode': 'cluster' };
    const env: NodeJS.ProcessEnv = { ...process.env, KINDLING_MASTER: this.o.masterUrl, KINDLING_APP_NAME: desc.appName, KINDLING_CONF: JSON.stringify(conf) };
    delete env['KINDLING_AUTH_SECRET'];
    if (this.o.secret) env['KINDLING_AUTH_SECRET'] = this.o.secret;
    const out = fs.openSync(path.join(this.dir, 'stdout'), 'a', 0o600);
    const err = fs.openSync(path.join(this.dir, 'stderr'), 'a', 0o600);
    const started = Date.now();
    try {
      this.child = spawn(process.execPath, args, { cwd: this.o.appRoot, env, stdio: ['ignore', out, err] });
    } finally {
      fs.closeSync(out);
      fs.closeSync(err);
    }
    this.o.onState('RUNNING', '');
    const child = this.child;
    child.once('error', (e) => this.finish('FAILED', `Cannot start the driver: ${e.message}`));
    child.once('exit', (code, signal) => {
      const how = signal ? `killed by signal ${signal}` : `exited with code ${code}`;
      if (this.killed) return this.finish('KILLED', `Driver ${how} after a kill request`);
      if (code === 0) return this.finish('FINISHED', '');
      if (!desc.supervise) return this.finish('FAILED', `Driver ${how}`);
      const wait = Date.now() - started >= STABLE_RUN_MS ? FIRST_BACKOFF_MS : backoffMs;
      this.o.log(`Supervised driver ${this.o.driverId} ${how}; restarting in ${wait} ms`);
      this.o.onState('RELAUNCHING', `Driver ${how}; restarting in ${wait} ms`);
      this.backoffTimer = setTimeout(() => this.run(wait * 2), wait);
    });
  }

  private finish(state: string, message: string): void {
    this.o.onState(state, message);
    this.markDone();
  }
}
