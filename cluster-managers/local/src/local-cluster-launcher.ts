import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  executorCommand,
  executorExitReason,
  inheritedNodeOptions,
  type AppPackage,
  type CoarseGrainedSchedulerBackend,
  type ExecutorLauncher,
  type ExecutorLossReason,
} from '@kindling/core/cluster-manager';

interface ExecutorProcess {
  id: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: string | null }>;
  /** The last few KiB of its stderr, quoted when it dies unexpectedly. */
  stderrTail: string;
}

export interface LocalClusterLauncherOptions {
  /** Consecutive executor failures before the application is failed (kindling.deploy.maxExecutorRetries, 10). */
  maxExecutorRetries?: number;
  driverUrl: string;
  appId: string;
  coresPerExecutor: number;
  memoryPerExecutorMiB: number;
  secret?: string;
  localRoot?: string;
  /** The application package executors fetch from the driver and load the app's modules from. */
  appPackage: () => Promise<AppPackage>;
  /** Host-wide directory of unpacked packages (kindling.executor.packageDir); default: inside this launcher's work directory. */
  packageDir?: string;
  /** The Node binary (kindling.executor.node); default: the driver's own. */
  node?: string;
  /** kindling.executorEnv.* */
  env?: Record<string, string>;
}

const STOP_GRACE_MS = 5000;

/**
 * Starts executor processes on this machine for local-cluster[N,C,M], through the same
 * executor command line every cluster manager uses.
 */
export class LocalClusterLauncher implements ExecutorLauncher {
  private nextId = 0;
  private target = 0;
  private readonly processes = new Map<string, ExecutorProcess>();
  private readonly exits = new Map<string, { code: number | null; signal: string | null }>();
  private readonly workRoot: string;
  private readonly maxRetries: number;
  private stopped = false;
  private appPackage: AppPackage | undefined;
  /** Unpacked packages on this host, shared by every local-cluster app of this user (one copy per hash). */
  private readonly packageDir: string;
  private readonly killedByDriver = new Set<string>();
  /** Abnormal exits since an executor last registered (Spark's spark.deploy.maxExecutorRetries). */
  private consecutiveFailures = 0;

  constructor(
    private readonly options: LocalClusterLauncherOptions,
    private readonly backend: Pick<CoarseGrainedSchedulerBackend, 'executorProcessExited' | 'applicationFailed'>,
  ) {
    this.maxRetries = options.maxExecutorRetries ?? MAX_EXECUTOR_RETRIES;
    const root = options.localRoot ?? os.tmpdir();
    fs.mkdirSync(root, { recursive: true });
    this.workRoot = fs.mkdtempSync(path.join(root, `kindling-local-cluster-`));
    this.packageDir = options.packageDir ?? defaultPackageDir(os.tmpdir());
  }

  /** Process ids of running executors, by executor id (tests kill them). */
  get pids(): Map<string, number> {
    return new Map([...this.processes.values()].map((p) => [p.id, p.child.pid!]));
  }

  async requestTotal(total: number): Promise<boolean> {
    if (this.stopped) return false;
    this.target = total;
    if (!this.appPackage) {
      this.appPackage = await this.options.appPackage();
      prunePackages(this.packageDir, this.appPackage.hash);
    }
    while (this.processes.size < this.target) this.launch();
    return true;
  }

  async kill(executorIds: string[], replace = false): Promise<boolean> {
    for (const id of executorIds) {
      const p = this.processes.get(id);
      if (!p) continue;
      if (replace) {
        // A hung executor may not handle SIGTERM; its exit makes room for a replacement.
        p.child.kill('SIGKILL');
      } else {
        this.target = Math.max(0, this.target - 1);
        this.killedByDriver.add(id);
        p.child.kill('SIGTERM');
      }
    }
    return true;
  }

  async lossReason(executorId: string, waitMs: number): Promise<ExecutorLossReason | undefined> {
    const p = this.processes.get(executorId);
    const exit = this.exits.get(executorId) ?? (p ? await Promise.race([p.exited, delay(waitMs)]) : undefined);
    if (!exit) return undefined;
    return executorExitReason(exit);
  }

  executorRegistered(): void {
    this.consecutiveFailures = 0;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const all = [...this.processes.values()];
    for (const p of all) p.child.kill('SIGTERM');
    await Promise.all(
      all.map(async (p) => {
        const done = await Promise.race([p.exited, delay(STOP_GRACE_MS)]);
        if (!done) {
          p.child.kill('SIGKILL');
          await p.exited;
        }
      }),
    );
    fs.rmSync(this.workRoot, { recursive: true, force: true });
  }

  /** Like a standalone master: keep the requested number of executors, but give up on a crash loop. */
  private replaceLostExecutor(id: string, exit: { code: number | null; signal: string | null }): void {
    if (exit.code !== 0) this.consecutiveFailures++;
    if (this.consecutiveFailures >= this.maxRetries) {
      this.stopped = true;
      this.backend.applicationFailed(
        `${this.consecutiveFailures} executors in a row failed (the last, executor ${id}, ${exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`}); ` +
          'see the executor output above. kindling.deploy.maxExecutorRetries sets the limit.',
      );
      return;
    }
    while (this.processes.size < this.target) this.launch();
  }

  private launch(): void {
    const id = String(this.nextId++);
    const workDir = path.join(this.workRoot, `executor-${id}`);
    const { command, args, env } = executorCommand({
      driverUrl: this.options.driverUrl,
      executorId: id,
      hostname: 'localhost',
      cores: this.options.coresPerExecutor,
      appId: this.options.appId,
      workDir,
      memoryMiB: this.options.memoryPerExecutorMiB,
      secret: this.options.secret,
      nodeOptions: inheritedNodeOptions(),
      // The same path as on a real cluster: executors fetch the package from the driver and load the app from their copy.
      appSource: { kind: 'driver', hash: this.appPackage!.hash, packageDir: this.packageDir },
      node: this.options.node ?? process.execPath,
      env: this.options.env,
    });
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    const proc: ExecutorProcess = {
      id,
      child,
      stderrTail: '',
      exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
    };
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      proc.stderrTail = (proc.stderrTail + chunk).slice(-4096);
    });
    this.processes.set(id, proc);
    void proc.exited.then((exit) => {
      this.exits.set(id, exit);
      this.processes.delete(id);
      // A dead executor's files go with it, as a container's do: its outputs are recomputed, never read.
      fs.rmSync(workDir, { recursive: true, force: true });
      if (!this.stopped && exit.code !== 0 && proc.stderrTail) {
        process.stderr.write(`[kindling] executor ${id} (pid ${child.pid}) ended; its last output:\n${proc.stderrTail}\n`);
      }
      this.backend.executorProcessExited(id, { ...exit, pid: child.pid });
      if (!this.stopped && !this.killedByDriver.has(id)) this.replaceLostExecutor(id, exit);
    });
  }
}

function defaultPackageDir(root: string): string {
  return path.join(root, `kindling-packages-${typeof process.getuid === 'function' ? process.getuid() : 'user'}`);
}

/** Unpacked packages nobody used for this long are removed when another app starts. */
const PACKAGE_TTL_MS = 24 * 3600 * 1000;

/** Marks `current` as used and removes packages unused for a day (Spark's worker cleanup of old app dirs, simplified). */
function prunePackages(packageDir: string, current: string): void {
  const now = Date.now();
  let entries: string[];
  try {
    entries = fs.readdirSync(packageDir);
  } catch {
    return;
  }
  for (const e of entries) {
    const full = path.join(packageDir, e);
    try {
      if (e === current) fs.utimesSync(full, new Date(now), new Date(now));
      else if (/^[0-9a-f]{64}$/.test(e) && now - fs.statSync(full).mtimeMs > PACKAGE_TTL_MS) fs.rmSync(full, { recursive: true, force: true });
    } catch {
      // another app is pruning too
    }
  }
}

/** How many executors may fail in a row before the application is failed (Spark's default). */
const MAX_EXECUTOR_RETRIES = 10;

function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}
