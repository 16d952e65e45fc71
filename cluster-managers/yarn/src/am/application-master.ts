import * as os from 'node:os';
import { connectRpc, type RpcConnectionLike } from '@kindling/core/cluster-manager';
import type { HadoopToken } from '../ipc/hadoop-token.js';
import { containerIdString } from '../ipc/yarn-ids.js';
import { shellLine } from '../rest/app-submission.js';
import { exitCausedByApp } from '../rest/diagnostics.js';
import { AmRmClient, type CompletedContainer, type YarnContainer } from './amrm-client.js';
import { EXECUTOR_ID_PLACEHOLDER, HOSTNAME_PLACEHOLDER, type AmSpec } from './am-spec.js';
import { startContainer, stopContainer } from './nm-client.js';
import { registerAmLinkMessages } from './am-link.js';
import { HadoopIpcError } from '../yarn-errors.js';

interface Running {
  executorId: string;
  container: YarnContainer;
  killed: boolean;
}

/**
 * Kindling's ApplicationMaster: registers with the RM, keeps as many executor containers as the
 * driver wants (an absolute ask, re-sent when it changes), starts `kindling-executor` in each
 * through the NodeManager, and reports every completed container to the driver with its exit
 * status and diagnostics.
 */
export class ApplicationMaster {
  private wanted = 0;
  private nextExecutorId = 1;
  private failures = 0;
  private readonly running = new Map<string, Running>(); // by container id string
  private readonly nmTokens = new Map<string, HadoopToken>();
  private readonly toRelease: YarnContainer['id'][] = [];
  private finishing: { status: 'APP_SUCCEEDED' | 'APP_FAILED'; diagnostics: string } | undefined;
  private driver!: RpcConnectionLike;
  private schedulerIndex = 0;
  private rm!: AmRmClient;

  constructor(
    private readonly spec: AmSpec,
    private readonly amRmToken: HadoopToken,
    private readonly secret: string | undefined,
    private readonly attemptId: string,
    private readonly log: (line: string) => void = (l) => console.log(`${new Date().toISOString()} ${l}`),
  ) {}

  async run(): Promise<'APP_SUCCEEDED' | 'APP_FAILED'> {
    registerAmLinkMessages();
    this.rm = await AmRmClient.connect(this.spec.schedulers, this.amRmToken);
    const reg = await this.rm.register(os.hostname());
    this.log(`registered ${this.attemptId} with the ResourceManager (queue ${reg.queue}, max container ${reg.maxMemoryMiB} MiB / ${reg.maxVCores} vCores)`);
    this.driver = await connectRpc({ host: this.spec.driver.host, port: this.spec.driver.port, secret: this.secret });
    this.driver.onMessage((msg, reply) => this.onDriverMessage(msg.type, msg.payload, reply));
    this.driver.onClose(() => {
      if (!this.finishing) this.finishing = { status: 'APP_FAILED', diagnostics: 'The Kindling driver disconnected from the ApplicationMaster' };
    });
    const first = await this.driver.ask('kindling.yarn.AmRegister', { applicationAttemptId: this.attemptId, maxMemoryMib: reg.maxMemoryMiB, maxVcores: reg.maxVCores });
    this.wanted = Number(first.payload['total'] ?? 0);
    while (!this.finishing) {
      await this.heartbeat();
      await sleep(this.pendingCount() > 0 ? 250 : this.spec.heartbeatMs);
    }
    for (const r of this.running.values()) await this.stop(r).catch(() => {});
    await this.rm.finish(this.finishing.status, this.finishing.diagnostics);
    this.log(`unregistered: ${this.finishing.status} ${this.finishing.diagnostics}`);
    this.rm.close();
    this.driver.close();
    return this.finishing.status;
  }

  private live(): number {
    return [...this.running.values()].filter((r) => !r.killed).length;
  }

  private pendingCount(): number {
    return Math.max(0, this.wanted - this.live());
  }

  private async heartbeat(): Promise<void> {
    const e = this.spec.executor;
    const ask = { priority: 1, resourceName: '*', memoryMiB: e.memoryMiB, vCores: e.vCores, numContainers: this.pendingCount() };
    const release = this.toRelease.splice(0);
    const res = await this.allocateWithFailover([ask], release);
    if (res.amCommand === 'AM_SHUTDOWN') this.finishing = { status: 'APP_FAILED', diagnostics: 'The ResourceManager told the AM to shut down' };
    if (res.amCommand === 'AM_RESYNC') await this.rm.register(os.hostname());
    for (const t of res.nmTokens) this.nmTokens.set(`${t.nodeId.host}:${t.nodeId.port}`, t.token);
    for (const c of res.allocated) {
      if (this.pendingCount() <= 0) {
        this.toRelease.push(c.id); // over-allocation: give it back
        continue;
      }
      await this.launch(c);
    }
    for (const s of res.completed) this.onCompleted(s);
  }

  /**
   * allocate, surviving an RM failover or restart: a standby RM (StandbyException) or a lost
   * connection moves to the next scheduler address; an RM that does not know this attempt
   * (ApplicationMasterNotRegisteredException, after a restart) gets a new register. The ask
   * table is re-sent in full after either.
   */
  private async allocateWithFailover(asks: Parameters<AmRmClient['allocate']>[0], release: YarnContainer['id'][]) {
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < 3 * this.spec.schedulers.length + 3; attempt++) {
      try {
        return await this.rm.allocate(asks, release, 0.1);
      } catch (e) {
        lastError = e as Error;
        const cls = e instanceof HadoopIpcError ? (e.exceptionClassName ?? '') : '';
        if (cls.endsWith('ApplicationMasterNotRegisteredException')) {
          this.log(`the ResourceManager does not know this attempt (restarted?): registering again`);
          await this.rm.register(os.hostname());
          continue;
        }
        const lost = cls.endsWith('StandbyException') || !(e instanceof HadoopIpcError) || !cls || e.fatal;
        if (!lost) throw e;
        this.log(`lost the ResourceManager (${(e as Error).message}); trying the next one`);
        this.rm.close();
        this.schedulerIndex = (this.schedulerIndex + 1) % this.spec.schedulers.length;
        const order = [...this.spec.schedulers.slice(this.schedulerIndex), ...this.spec.schedulers.slice(0, this.schedulerIndex)];
        await sleep(500);
        this.rm = await AmRmClient.connect(order, this.amRmToken).catch((err: Error) => {
          lastError = err;
          return this.rm;
        });
      }
    }
    throw lastError ?? new Error('allocate failed');
  }

  private async launch(c: YarnContainer): Promise<void> {
    const executorId = String(this.nextExecutorId++);
    const cid = containerIdString(c.id);
    const r: Running = { executorId, container: c, killed: false };
    this.running.set(cid, r);
    const token = this.nmTokens.get(`${c.nodeId.host}:${c.nodeId.port}`);
    try {
      if (!token) throw new Error(`No NMToken for ${c.nodeId.host}:${c.nodeId.port}`);
      const words = this.spec.executor.words.map((w) => w.replace(EXECUTOR_ID_PLACEHOLDER, executorId).replace(HOSTNAME_PLACEHOLDER, c.nodeId.host));
      await startContainer(c, token, {
        localResources: this.spec.executor.localResources,
        environment: { ...this.spec.executor.env, ...(this.secret ? { KINDLING_AUTH_SECRET: this.secret } : {}) },
        command: shellLine(words.map((w) => [w, 'an executor argument'])),
      });
      this.log(`started executor ${executorId} in ${cid} on ${c.nodeId.host}`);
      this.driver.send('kindling.yarn.AmExecutorLaunched', { executorId, containerId: cid, host: c.nodeId.host, nodeHttpAddress: c.nodeHttpAddress });
    } catch (e) {
      this.running.delete(cid);
      this.toRelease.push(c.id);
      this.failures++;
      this.log(`could not start executor ${executorId} in ${cid}: ${(e as Error).message}`);
      this.checkFailures();
    }
  }

  private onCompleted(s: CompletedContainer): void {
    const cid = containerIdString(s.containerId);
    const r = this.running.get(cid);
    if (!r) return;
    this.running.delete(cid);
    this.log(`executor ${r.executorId} (${cid}) completed with exit status ${s.exitStatus}: ${s.diagnostics}`);
    if (!r.killed && exitCausedByApp(s.exitStatus)) this.failures++;
    this.driver.send('kindling.yarn.AmExecutorCompleted', { executorId: r.executorId, containerId: cid, exitStatus: s.exitStatus, diagnostics: s.diagnostics });
    this.checkFailures();
  }

  private checkFailures(): void {
    if (this.failures > this.spec.maxExecutorFailures && !this.finishing) {
      this.finishing = { status: 'APP_FAILED', diagnostics: `Max number of executor failures (${this.spec.maxExecutorFailures}) reached (kindling.yarn.max.executor.failures)` };
    }
  }

  private async stop(r: Running): Promise<void> {
    r.killed = true;
    const token = this.nmTokens.get(`${r.container.nodeId.host}:${r.container.nodeId.port}`);
    if (token) await stopContainer(r.container, token);
  }

  private onDriverMessage(type: string, payload: Record<string, unknown>, reply: (t: string, p: Record<string, unknown>) => void): void {
    if (type === 'kindling.yarn.AmRequestTotal') {
      this.wanted = Number(payload['total'] ?? 0);
      reply('kindling.yarn.AmAck', {});
    } else if (type === 'kindling.yarn.AmKillExecutors') {
      const ids = new Set((payload['executorIds'] as string[] | undefined) ?? []);
      for (const r of this.running.values()) if (ids.has(r.executorId)) void this.stop(r).catch((e) => this.log(`stopping executor ${r.executorId}: ${(e as Error).message}`));
      reply('kindling.yarn.AmAck', {});
    } else if (type === 'kindling.yarn.AmFinish') {
      this.finishing = { status: payload['succeeded'] ? 'APP_SUCCEEDED' : 'APP_FAILED', diagnostics: String(payload['diagnostics'] ?? '') };
      reply('kindling.yarn.AmAck', {});
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
