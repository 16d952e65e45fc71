/**
 * The driver's ExecutorLauncher for a standalone cluster (Spark's StandaloneSchedulerBackend):
 * the master grants executors on workers; this turns the master's news about them into the
 * backend's executor exits and losses, and requests or kills executors through the master.
 */
import {
  executorExitReason,
  type CoarseGrainedSchedulerBackend,
  type ExecutorLauncher,
  type ExecutorLossReason,
  type AppPackage,
  type RpcMessage,
} from '@kindling/core/cluster-manager';
import { FINISHED_EXECUTOR_STATES } from './master-model.js';
import { StandaloneAppClient } from './standalone-app-client.js';
import type { MasterAddress } from './standalone-master-url.js';
import { Msg, type ApplicationDescription, type ExecutorDescription } from './standalone-messages.js';

export interface StandaloneLauncherOptions {
  masters: MasterAddress[];
  desc: ApplicationDescription;
  /** Secret for the daemons' RPC (kindling.authenticate.secret). */
  secret?: string;
  /** Whether the first requestTotal limits executors (kindling.executor.instances or dynamic allocation). */
  limitExecutors: boolean;
  onApplicationId(appId: string): void;
  /** The application package; its hash goes to the master, workers fetch it from the driver. */
  appPackage(): Promise<AppPackage>;
  log?: (message: string) => void;
}

type Backend = Pick<CoarseGrainedSchedulerBackend, 'executorProcessExited' | 'executorLost' | 'applicationFailed'>;

interface GrantedExecutor {
  workerId: string;
  host: string;
  cores: number;
  memoryMib: number;
}

const STOP_WAIT_MS = 10_000;

export class StandaloneLauncher implements ExecutorLauncher {
  private readonly client: StandaloneAppClient;
  private registered: Promise<string> | undefined;
  private readonly executors = new Map<string, GrantedExecutor>();
  private readonly killing = new Set<string>();
  private readonly reasons = new Map<string, ExecutorLossReason>();
  private readonly reasonWaiters = new Map<string, Array<() => void>>();
  private maxExecutorId = -1;
  private stopped = false;

  constructor(
    private readonly options: StandaloneLauncherOptions,
    private readonly backend: Backend,
  ) {
    this.client = new StandaloneAppClient(
      options.masters,
      options.desc,
      options.secret,
      {
        onMessage: (msg) => this.onMasterMessage(msg),
        currentExecutors: () => this.describeExecutors(),
        nextExecutorId: () => this.maxExecutorId + 1,
      },
      options.log,
    );
  }

  /** Executors the master granted and that have not ended, by id. */
  get granted(): ReadonlyMap<string, GrantedExecutor> {
    return this.executors;
  }

  async requestTotal(total: number): Promise<boolean> {
    if (this.stopped) return false;
    if (!this.registered) {
      if (this.options.limitExecutors) this.options.desc.initialExecutorLimit = total;
      this.registered = this.options.appPackage().then((pkg) => {
        this.options.desc.appPackageHash = pkg.hash;
        return this.client.register();
      });
      this.options.onApplicationId(await this.registered);
      return true;
    }
    const appId = await this.registered;
    const answer = await this.client.ask(Msg.RequestExecutors, { appId, total });
    return Boolean(answer.payload['ok']);
  }

  async kill(executorIds: string[], replace = false): Promise<boolean> {
    if (this.stopped || !this.registered) return false;
    const appId = await this.registered;
    const known = executorIds.filter((id) => this.executors.has(id) && !this.killing.has(id));
    if (!replace) {
      // As Spark's killExecutors(adjustTargetNumExecutors = true): lower the target first, so the master does not replace them.
      for (const id of known) this.killing.add(id);
      const live = [...this.executors.keys()].filter((id) => !this.killing.has(id)).length;
      await this.client.ask(Msg.RequestExecutors, { appId, total: live });
    }
    const answer = await this.client.ask(Msg.KillExecutors, { appId, executorIds });
    return Boolean(answer.payload['ok']);
  }

  async lossReason(executorId: string, waitMs: number): Promise<ExecutorLossReason | undefined> {
    if (!this.reasons.has(executorId)) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        timer.unref();
        const list = this.reasonWaiters.get(executorId) ?? [];
        list.push(() => {
          clearTimeout(timer);
          resolve();
        });
        this.reasonWaiters.set(executorId, list);
      });
    }
    return this.reasons.get(executorId);
  }

  /** The backend already told every executor to stop: wait until the workers report them gone, then leave the master. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.registered) {
      try {
        const appId = await this.registered;
        // No replacements for the executors the backend just stopped.
        await this.client.ask(Msg.RequestExecutors, { appId, total: 0 }, 2000).catch(() => undefined);
        const deadline = Date.now() + STOP_WAIT_MS;
        const killAt = Date.now() + 2000;
        let askedToKill = false;
        while (this.executors.size > 0 && Date.now() < deadline) {
          // Executors still starting never heard the driver's stop; have their workers stop them.
          if (!askedToKill && Date.now() > killAt) {
            askedToKill = true;
            await this.client.ask(Msg.KillExecutors, { appId, executorIds: [...this.executors.keys()] }, 2000).catch(() => undefined);
          }
          await delay(50);
        }
      } catch {
        // registration never succeeded: nothing runs for this app
      }
    }
    this.client.stop();
  }

  private onMasterMessage(msg: RpcMessage): void {
    const p = msg.payload;
    switch (msg.type) {
      case Msg.ExecutorAdded: {
        const id = String(p['executorId']);
        this.maxExecutorId = Math.max(this.maxExecutorId, Number(id));
        this.executors.set(id, { workerId: String(p['workerId']), host: String(p['host']), cores: Number(p['cores']), memoryMib: Number(p['memoryMib']) });
        return;
      }
      case Msg.ExecutorUpdated:
        this.executorUpdated(p);
        return;
      case Msg.ApplicationRemoved:
        this.backend.applicationFailed(String(p['message']));
        return;
      case Msg.WorkerRemoved:
        return; // its executors arrive as ExecutorUpdated(LOST, workerLost)
      default:
        return;
    }
  }

  private executorUpdated(p: Record<string, unknown>): void {
    const id = String(p['executorId']);
    const state = String(p['state']);
    if (!FINISHED_EXECUTOR_STATES.has(state) || !this.executors.has(id)) return;
    this.executors.delete(id);
    this.killing.delete(id);
    const message = String(p['message'] ?? '');
    if (p['workerLost'] || (!p['hasExitCode'] && !p['signal'])) {
      const reason: ExecutorLossReason = { message: `Executor ${id} ${state}: ${message}`, exitCausedByApp: false, workerLost: Boolean(p['workerLost']) };
      this.recordReason(id, reason);
      this.backend.executorLost(id, reason);
      return;
    }
    const exit = { code: p['hasExitCode'] ? Number(p['exitCode']) : null, signal: String(p['signal'] ?? '') || null };
    this.recordReason(id, executorExitReason(exit));
    this.backend.executorProcessExited(id, exit);
  }

  private recordReason(id: string, reason: ExecutorLossReason): void {
    this.reasons.set(id, reason);
    for (const w of this.reasonWaiters.get(id) ?? []) w();
    this.reasonWaiters.delete(id);
  }

  private describeExecutors(): ExecutorDescription[] {
    const appId = this.registered ? this.safeAppId() : '';
    return [...this.executors].map(([executorId, e]) => ({ appId, executorId, cores: e.cores, memoryMib: e.memoryMib, state: 'RUNNING' }));
  }

  private safeAppId(): string {
    try {
      return this.client.appId;
    } catch {
      return '';
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
