import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  executorCommand,
  executorExitReason,
  inheritedNodeOptions,
  type CoarseGrainedSchedulerBackend,
  type ExecutorLauncher,
  type ExecutorLossReason,
} from '@kindling/core/cluster-manager';

type Exit = { code: number | null; signal: string | null };

interface Executor {
  child: ChildProcess;
  exited: Promise<Exit>;
  /** We asked it to stop: it no longer counts towards the requested total. */
  killed: boolean;
}

export interface SpawnLauncherOptions {
  driverUrl: string;
  appId: string;
  /** kindling.authenticate.secret; handed to executors in their environment only. */
  secret?: string;
  /** kindling.executor.memory in MiB, the executors' heap limit. */
  memoryMiB?: number;
  /** kindling.local.dir; the OS temp dir if unset. */
  localRoot?: string;
}

/** Starts `kindling-executor` processes with 1 core each on this machine. */
export class SpawnLauncher implements ExecutorLauncher {
  private nextId = 0;
  private stopped = false;
  private readonly executors = new Map<string, Executor>();
  private readonly exits = new Map<string, Exit>();
  private readonly workRoot: string;

  constructor(
    private readonly options: SpawnLauncherOptions,
    private readonly backend: Pick<CoarseGrainedSchedulerBackend, 'executorProcessExited'>,
  ) {
    const root = options.localRoot ?? os.tmpdir();
    fs.mkdirSync(root, { recursive: true });
    this.workRoot = fs.mkdtempSync(path.join(root, 'kindling-spawn-'));
  }

  async requestTotal(total: number): Promise<boolean> {
    if (this.stopped) return false;
    const live = [...this.executors.values()].filter((e) => !e.killed).length;
    for (let i = live; i < total; i++) this.launch();
    return true;
  }

  async kill(executorIds: string[]): Promise<boolean> {
    for (const id of executorIds) {
      const e = this.executors.get(id);
      if (!e) continue;
      e.killed = true;
      e.child.kill('SIGTERM');
    }
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(
      [...this.executors.values()].map(async (e) => {
        e.child.kill('SIGTERM');
        if (!(await Promise.race([e.exited, delay(5000)]))) {
          e.child.kill('SIGKILL');
          await e.exited;
        }
      }),
    );
    fs.rmSync(this.workRoot, { recursive: true, force: true });
  }

  /** Optional: lets the driver tell a crash from a network problem when a connection drops. */
  async lossReason(executorId: string, waitMs: number): Promise<ExecutorLossReason | undefined> {
    const running = this.executors.get(executorId);
    const exit = this.exits.get(executorId) ?? (running ? await Promise.race([running.exited, delay(waitMs)]) : undefined);
    if (!exit) return undefined;
    return executorExitReason(exit);
  }

  private launch(): void {
    const id = String(this.nextId++); // never reused: the driver refuses an id it has seen
    const workDir = path.join(this.workRoot, `executor-${id}`);
    const { command, args, env } = executorCommand({
      driverUrl: this.options.driverUrl,
      executorId: id,
      hostname: 'localhost',
      cores: 1,
      appId: this.options.appId,
      workDir,
      memoryMiB: this.options.memoryMiB,
      secret: this.options.secret,
      nodeOptions: inheritedNodeOptions(),
      node: process.execPath, // executors on this machine run the driver's Node
    });
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: 'ignore' });
    const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    this.executors.set(id, { child, exited, killed: false });
    void exited.then((exit) => {
      this.exits.set(id, exit);
      this.executors.delete(id);
      fs.rmSync(workDir, { recursive: true, force: true }); // its shuffle files die with it
      this.backend.executorProcessExited(id, { ...exit, pid: child.pid });
    });
  }
}

function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}
