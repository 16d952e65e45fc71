/**
 * Executors from Mesos offers (coarse-grained, as Spark's MesosCoarseGrainedSchedulerBackend): each
 * accepted offer launches kindling-executor tasks; unneeded offers are declined with
 * kindling.mesos.rejectOfferDuration and offers are SUPPRESSed once the target is met, REVIVEd when
 * more executors are wanted. Every update with a uuid is acknowledged; terminal task states become
 * executor losses with their reason; an agent that failed 2 executors gets no more. After a
 * resubscription the tasks are reconciled. On stop: KILL the executors, then TEARDOWN.
 */
import type { ExecutorLauncher, ExecutorLossReason } from '@kindling/core/cluster-manager';
import { executorTask } from './executor-task.js';
import { UNBOUNDED_EXECUTORS, type MesosSettings } from './mesos-config.js';
import type { MesosSchedulerClient, SubscribedInfo } from './mesos-scheduler-client.js';
import { TERMINAL_STATES, type Offer, type SchedulerCall, type SchedulerEvent, type TaskStatus } from './mesos-types.js';
import { planOffers } from './offer-planner.js';

/** What the launcher needs of CoarseGrainedSchedulerBackend. */
export interface LauncherBackend {
  executorLost(executorId: string, reason: ExecutorLossReason): void;
  applicationFailed(message: string): void;
}

interface ExecutorTask {
  id: string;
  agentId: string;
  hostname: string;
  cores: number;
  state: string;
  /** The driver asked for it to stop (kill, or stop()). */
  killed: boolean;
  /** Counted towards the target (false once killed without replacement). */
  counted: boolean;
  /** When Mesos last told us anything about it (reconciliation retries until it does). */
  lastUpdateAt: number;
}

export interface MesosLauncherOptions {
  client: MesosSchedulerClient;
  settings: MesosSettings;
  driverUrl: string;
  appId: string;
  secret?: string;
  /** The app package's URI, once served (resolves before the first launch). */
  packageUri: () => Promise<string>;
  /** kindling.executor.node and kindling.executorEnv.*. */
  node: string;
  env: Record<string, string>;
  /** Warnings worth a user's attention. */
  log: (message: string) => void;
  /** Routine progress (launches, declines). */
  debug: (message: string) => void;
}

export class MesosExecutorLauncher implements ExecutorLauncher {
  private readonly tasks = new Map<string, ExecutorTask>();
  private readonly ended = new Map<string, ExecutorLossReason>();
  private readonly endWaiters = new Map<string, (() => void)[]>();
  private readonly agentFailures = new Map<string, number>();
  private target: number;
  private nextId = 0;
  private stopping = false;
  private suppressed = false;
  /** Executors that failed in a row without one registering (a broken command fails them all). */
  private failuresInARow = 0;
  private offerHandling: Promise<void> = Promise.resolve();
  private reconcileRound = 0;

  constructor(
    private readonly options: MesosLauncherOptions,
    private readonly backend: LauncherBackend,
  ) {
    this.target = options.settings.initialExecutors;
    options.client.on('event', (e) => this.handleEvent(e));
    options.client.on('subscribed', (info) => this.onSubscribed(info));
  }

  async requestTotal(total: number): Promise<boolean> {
    if (this.stopping) return false;
    this.target = total;
    await this.adjustOffers();
    return true;
  }

  async kill(executorIds: string[], replace = false): Promise<boolean> {
    for (const id of executorIds) {
      const t = this.tasks.get(id);
      if (!t) continue;
      t.killed = true;
      if (!replace) {
        if (t.counted && this.target < UNBOUNDED_EXECUTORS) this.target = Math.max(0, this.target - 1);
        t.counted = false;
      }
      await this.send({ type: 'KILL', kill: { task_id: { value: id }, agent_id: { value: t.agentId } } });
    }
    if (replace) await this.adjustOffers();
    return true;
  }

  async lossReason(executorId: string, waitMs: number): Promise<ExecutorLossReason | undefined> {
    if (!this.ended.has(executorId) && this.tasks.has(executorId)) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.onEnd(executorId, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.ended.get(executorId);
  }

  executorRegistered(): void {
    this.failuresInARow = 0;
  }

  /** KILL every executor, wait for their terminal updates (kindling.mesos.coarse.shutdownTimeout), then TEARDOWN. */
  async stop(): Promise<void> {
    this.stopping = true;
    const live = [...this.tasks.values()];
    for (const t of live) {
      t.killed = true;
      await this.send({ type: 'KILL', kill: { task_id: { value: t.id }, agent_id: { value: t.agentId } } });
    }
    const deadline = Date.now() + this.options.settings.shutdownTimeoutMs;
    while (this.tasks.size > 0 && Date.now() < deadline && this.options.client.subscribed) {
      await new Promise((r) => setTimeout(r, 50));
    }
    if (this.tasks.size > 0) this.options.log(`Mesos executors still running at shutdown (${[...this.tasks.keys()].join(', ')}); TEARDOWN kills them`);
    await this.send({ type: 'TEARDOWN' });
    await this.options.client.stop();
  }

  private onEnd(id: string, f: () => void): void {
    const list = this.endWaiters.get(id) ?? [];
    list.push(f);
    this.endWaiters.set(id, list);
  }

  /** Events from the client; also fed the offers that arrived before the launcher existed. */
  handleEvent(event: SchedulerEvent): void {
    switch (event.type) {
      case 'OFFERS': {
        // One batch at a time: a plan must see the executors the previous batch launched.
        const offers = event.offers?.offers ?? [];
        this.offerHandling = this.offerHandling
          .then(() => this.onOffers(offers))
          .catch((e: unknown) => this.options.log(`handling Mesos offers failed: ${(e as Error).message}`));
        return;
      }
      case 'UPDATE':
        if (event.update) void this.onUpdate(event.update.status);
        return;
      case 'FAILURE':
        if (event.failure?.agent_id && !event.failure.executor_id) {
          this.options.log(`Mesos agent ${event.failure.agent_id.value} was removed; its executors' updates follow`);
        }
        return;
      default:
        return; // HEARTBEAT, RESCIND (offers are used at once), MESSAGE: nothing to do
    }
  }

  private async onOffers(offers: Offer[]): Promise<void> {
    const live = [...this.tasks.values()].filter((t) => t.counted);
    const plan = planOffers(offers, this.options.settings, {
      liveExecutors: live.length,
      target: this.target,
      coresAcquired: live.reduce((n, t) => n + t.cores, 0),
      agentFailures: this.agentFailures,
      stopping: this.stopping,
    });
    let uris: string[] = [];
    if (plan.launches.length) {
      try {
        uris = [await this.options.packageUri(), ...this.options.settings.extraUris];
      } catch (e) {
        this.backend.applicationFailed(`Cannot ship the application package to Mesos executors: ${(e as Error).message}`);
        plan.declines.push(...plan.launches.map((l) => ({ offer: l.offer, refuseSeconds: undefined, why: 'no package' })));
        plan.launches = [];
      }
    }
    for (const { offer, executors } of plan.launches) {
      const taskInfos = executors.map(({ cores, resources }) => {
        const id = String(this.nextId++); // the Mesos task id is the executor id, never reused
        this.tasks.set(id, { id, agentId: offer.agent_id.value, hostname: offer.hostname, cores, state: 'TASK_STAGING', killed: false, counted: true, lastUpdateAt: Date.now() });
        return executorTask({
          executorId: id,
          offer,
          resources,
          cores,
          driverUrl: this.options.driverUrl,
          appId: this.options.appId,
          memoryMiB: this.options.settings.executorMemoryMiB,
          secret: this.options.secret,
          uris,
          packaged: true,
          node: this.options.node,
          env: this.options.env,
        });
      });
      this.options.debug(`launching executor(s) ${taskInfos.map((t) => t.task_id.value).join(', ')} on ${offer.hostname} (offer ${offer.id.value})`);
      // Leftover resources are implicitly declined with Mesos' default filter.
      await this.send({ type: 'ACCEPT', accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: taskInfos } }] } });
    }
    // One DECLINE per filter duration.
    const byFilter = new Map<string, { refuse: number | undefined; ids: { value: string }[] }>();
    for (const d of plan.declines) {
      const key = String(d.refuseSeconds);
      const group = byFilter.get(key) ?? { refuse: d.refuseSeconds, ids: [] };
      group.ids.push(d.offer.id);
      byFilter.set(key, group);
    }
    for (const { refuse, ids } of byFilter.values()) {
      await this.send({ type: 'DECLINE', decline: { offer_ids: ids, ...(refuse !== undefined ? { filters: { refuse_seconds: refuse } } : {}) } });
    }
    await this.adjustOffers();
  }

  private async onUpdate(status: TaskStatus): Promise<void> {
    const id = status.task_id.value;
    const task = this.tasks.get(id);
    if (task) {
      task.state = status.state;
      task.lastUpdateAt = Date.now();
      if (TERMINAL_STATES.has(status.state)) this.taskEnded(task, status);
    } else if (!this.ended.has(id) && !TERMINAL_STATES.has(status.state) && status.agent_id) {
      // Reconciliation found a task this driver does not know (an earlier incarnation's): stop it.
      this.options.log(`killing unknown Mesos task ${id} (${status.state})`);
      await this.send({ type: 'KILL', kill: { task_id: { value: id }, agent_id: status.agent_id } });
    }
    // Acknowledge after handling, and only reliably delivered updates (those with a uuid).
    if (status.uuid && status.agent_id) {
      await this.send({ type: 'ACKNOWLEDGE', acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid } });
    }
  }

  private taskEnded(task: ExecutorTask, status: TaskStatus): void {
    this.tasks.delete(task.id);
    const detail = [status.state, status.reason, status.message].filter(Boolean).join(': ');
    const byApp = !task.killed && status.state === 'TASK_FAILED' && !/signal/i.test(status.message ?? '');
    const reason: ExecutorLossReason = task.killed
      ? { message: `Executor killed by driver (Mesos task ${task.id} on ${task.hostname}: ${detail})`, exitCausedByApp: false }
      : { message: `Mesos task ${task.id} on ${task.hostname} ended: ${detail}`, exitCausedByApp: byApp };
    this.ended.set(task.id, reason);
    for (const f of this.endWaiters.get(task.id) ?? []) f();
    this.endWaiters.delete(task.id);
    if (!task.killed && (status.state === 'TASK_FAILED' || status.state === 'TASK_LOST')) {
      const n = (this.agentFailures.get(task.agentId) ?? 0) + 1;
      this.agentFailures.set(task.agentId, n);
      if (n === this.options.settings.maxAgentFailures) {
        this.options.log(`excluding Mesos agent ${task.agentId} (${task.hostname}) after ${n} executor failures; is Node/Kindling installed there?`);
      }
      if (++this.failuresInARow >= 10 && !this.stopping) {
        this.backend.applicationFailed(`${this.failuresInARow} Mesos executors failed in a row without registering; last: ${reason.message}`);
      }
    }
    this.backend.executorLost(task.id, reason);
    if (!this.stopping) void this.adjustOffers(true);
  }

  /** SUPPRESS once the target is met; REVIVE (clearing decline filters) when more are wanted. */
  private async adjustOffers(executorEnded = false): Promise<void> {
    if (this.stopping) return;
    const live = [...this.tasks.values()].filter((t) => t.counted);
    const cores = live.reduce((n, t) => n + t.cores, 0);
    const wantMore = live.length < this.target && cores < this.options.settings.maxCores;
    if (wantMore && (this.suppressed || executorEnded)) {
      this.suppressed = false;
      await this.send({ type: 'REVIVE', revive: { roles: [this.options.settings.role] } });
    } else if (!wantMore && !this.suppressed) {
      this.suppressed = true;
      await this.send({ type: 'SUPPRESS', suppress: { roles: [this.options.settings.role] } });
    }
  }

  private async onSubscribed(info: SubscribedInfo): Promise<void> {
    if (info.previousFrameworkId) {
      // The master removed our framework (failover_timeout passed): its tasks are gone.
      for (const t of [...this.tasks.values()]) {
        this.taskEnded(t, { task_id: { value: t.id }, state: 'TASK_LOST', message: `framework ${info.previousFrameworkId} was removed by the Mesos master` });
      }
    }
    this.suppressed = false; // a new subscription starts unsuppressed
    if (info.resubscribed && this.tasks.size > 0) {
      this.reconcile();
      for (const t of this.tasks.values()) {
        if (t.killed) await this.send({ type: 'KILL', kill: { task_id: { value: t.id }, agent_id: { value: t.agentId } } });
      }
    }
    await this.adjustOffers();
  }

  /**
   * Explicit reconciliation of every live task, repeated with truncated exponential backoff
   * (2 s doubling to 60 s) for the tasks no update has mentioned since it began: a new master
   * stays silent about agents that have not reregistered yet. One round at a time.
   */
  private reconcile(): void {
    const round = ++this.reconcileRound;
    const since = Date.now();
    let delay = 2000;
    const attempt = async () => {
      if (round !== this.reconcileRound || this.stopping || !this.options.client.subscribed) return;
      const pending = [...this.tasks.values()].filter((t) => t.lastUpdateAt <= since);
      if (pending.length === 0) return;
      await this.send({ type: 'RECONCILE', reconcile: { tasks: pending.map((t) => ({ task_id: { value: t.id }, agent_id: { value: t.agentId } })) } });
      setTimeout(() => void attempt(), delay).unref();
      delay = Math.min(delay * 2, 60_000);
    };
    void attempt();
  }

  /** Calls fail while reconnecting; what matters is redone after the next SUBSCRIBED. */
  private async send(call: SchedulerCall): Promise<void> {
    try {
      await this.options.client.call(call);
    } catch (e) {
      this.options.log(`Mesos ${call.type} failed: ${(e as Error).message}`);
    }
  }
}
