import * as fs from 'node:fs';
import {
  RpcServer,
  executorCommand,
  type BackendContext,
  type CoarseGrainedSchedulerBackend,
  type ExecutorLauncher,
  type ExecutorLossReason,
  type RpcConnectionLike,
} from '@kindling/core/cluster-manager';
import { registerAmLinkMessages } from './am/am-link.js';
import { AM_SPEC_ENV, EXECUTOR_ID_PLACEHOLDER, HOSTNAME_PLACEHOLDER, encodeAmSpec, type AmSpec } from './am/am-spec.js';
import type { RmEndpoint } from './config/rm-endpoints.js';
import { monitorApplication } from './rest/app-monitor.js';
import { shellLine, submissionBody } from './rest/app-submission.js';
import { containerExitMessage, exitCausedByApp } from './rest/diagnostics.js';
import { TERMINAL_STATES, sleep, type RmRestClient } from './rest/rm-rest-client.js';
import { ApplicationMaster } from './am/application-master.js';
import type { HadoopConf } from './config/hadoop-conf.js';
import type { HadoopToken } from './ipc/hadoop-token.js';
import type { LocalResource } from './rest/app-submission.js';
import { appStaging, type AppStaging } from './staging/app-staging.js';
import { APP_LINK, AM_LINK, CONTAINER_DIR, amEntryInContainer, localResourceProto, packApplicationMaster, stageArchive } from './staging/shipped-packages.js';
import { YarnError } from './yarn-errors.js';
import type { YarnSettings } from './yarn-settings.js';

export interface YarnLauncherOptions {
  /** The RM's REST API (client mode; unused in the AM container). */
  rm?: RmRestClient;
  rmEndpoints: readonly RmEndpoint[];
  applicationId: string;
  appName: string;
  settings: YarnSettings;
  driverUrl: string;
  /** Host the AM and executors reach the driver's AM link on (kindling.driver.host). */
  driverHost: string;
  driverBindAddress: string;
  secret?: string;
  hadoop?: HadoopConf;
  /** conf and appPackage(): what is shipped to the containers. */
  context: Pick<BackendContext, 'conf' | 'appPackage'>;
  log?: (line: string) => void;
  /** Cluster mode: set when this driver runs inside its own AM container. */
  inAm?: InAmContext;
}

/** What the driver finds in its AM container (cluster mode). */
export interface InAmContext {
  amRmToken: HadoopToken;
  attemptId: string;
  /** The staged app package, which executors localize too. */
  appResource: LocalResource;
  /** A file:// staging directory to remove when the driver ends. */
  localStagingDir?: string;
}

/**
 * Client mode: the driver runs here; this launcher submits an ApplicationMaster to YARN over REST
 * and drives it over core's RPC (proto/yarn_am_link.proto): how many executors, which to kill,
 * and when to finish. The AM reports each executor container's start and end.
 */
export class YarnLauncher implements ExecutorLauncher {
  private server: RpcServer | undefined;
  private am: RpcConnectionLike | undefined;
  private total = 0;
  private submitted: Promise<void> | undefined;
  private stopped = false;
  private readonly completed = new Map<string, ExecutorLossReason>();
  private readonly completionWaiters = new Map<string, Array<(r: ExecutorLossReason) => void>>();
  private readonly log: (line: string) => void;
  private staging: AppStaging | undefined;
  private inProcessAm: Promise<string> | undefined;
  private signalHandler: ((signal: NodeJS.Signals) => void) | undefined;

  constructor(
    private readonly o: YarnLauncherOptions,
    private readonly backend: Pick<CoarseGrainedSchedulerBackend, 'executorProcessExited' | 'applicationFailed'>,
  ) {
    this.log = o.log ?? ((l) => console.error(l));
  }

  async requestTotal(total: number): Promise<boolean> {
    if (this.stopped) return false;
    this.total = total;
    this.submitted ??= this.submit().catch(async (e: unknown) => {
      // Nothing may outlive a failed start: the signal handlers, the AM-link port, the staged files.
      this.removeSignalKill();
      await this.server?.close().catch(() => {});
      await this.staging?.remove().catch(() => {});
      throw e;
    });
    await this.submitted;
    if (this.am && !this.am.closed) await this.am.ask('kindling.yarn.AmRequestTotal', { total });
    return true;
  }

  async kill(executorIds: string[], replace = false): Promise<boolean> {
    if (!this.am || this.am.closed) return false;
    await this.am.ask('kindling.yarn.AmKillExecutors', { executorIds });
    if (!replace) {
      this.total = Math.max(0, this.total - executorIds.length);
      await this.am.ask('kindling.yarn.AmRequestTotal', { total: this.total });
    }
    return true;
  }

  /**
   * The container's exit status and diagnostics, from the AM. YARN reports a completed container
   * one NM heartbeat and one AM heartbeat after the process died, so this waits that long (as
   * Spark's YARN backend waits for its AM) rather than only the backend's `waitMs`.
   */
  async lossReason(executorId: string, waitMs: number): Promise<ExecutorLossReason | undefined> {
    const known = this.completed.get(executorId);
    if (known) return known;
    waitMs = Math.max(waitMs, Math.min(10_000, 2 * this.o.settings.heartbeatMs + 1000));
    return new Promise((resolve) => {
      const list = this.completionWaiters.get(executorId) ?? [];
      list.push(resolve);
      this.completionWaiters.set(executorId, list);
      setTimeout(() => resolve(undefined), waitMs).unref();
    });
  }

  /** Tells the AM to unregister (SUCCEEDED), waits for the app to end, kills it if it will not, removes staging. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.removeSignalKill();
    await this.submitted?.catch(() => {});
    const id = this.o.applicationId;
    try {
      if (this.am && !this.am.closed) await this.am.ask('kindling.yarn.AmFinish', { succeeded: true, diagnostics: '' }, undefined, 30_000).catch(() => {});
      if (this.inProcessAm) {
        await this.inProcessAm.catch(() => {}); // unregistered; the RM ends the app when this container exits
        if (this.o.inAm?.localStagingDir) fs.rmSync(this.o.inAm.localStagingDir, { recursive: true, force: true });
        return;
      }
      const rm = this.o.rm!;
      const deadline = Date.now() + 30_000;
      for (;;) {
        const r = await rm.app(id).catch(() => undefined);
        if (!r || TERMINAL_STATES.has(r.state)) break;
        if (Date.now() > deadline) {
          this.log(`${id} did not finish within 30 s of the driver stopping; killing it`);
          await rm.kill(id).catch((e) => this.log(`kill of ${id}: ${(e as Error).message}`));
          break;
        }
        await sleep(250);
      }
    } finally {
      this.am?.close();
      await this.server?.close();
      await this.staging?.remove().catch((e) => this.log(`could not remove the staging directory ${this.staging?.location}: ${(e as Error).message}`));
    }
  }

  /** Ctrl-C / kindling-submit --kill in client mode: kill the YARN app right away. */
  async killApplication(): Promise<void> {
    this.stopped = true;
    await this.o.rm?.kill(this.o.applicationId, 10_000);
    await this.staging?.remove().catch(() => {});
  }

  /**
   * Client mode: SIGINT/SIGTERM of the driver kills the YARN app through REST before the process
   * ends (otherwise the AM would only notice the driver's disconnect). The signal is then raised
   * again, so the process ends as it would have.
   */
  private installSignalKill(): void {
    const onSignal = (signal: NodeJS.Signals): void => {
      this.removeSignalKill();
      this.log(`${signal}: killing YARN application ${this.o.applicationId}`);
      void this.killApplication()
        .catch((e: Error) => this.log(`kill of ${this.o.applicationId} failed: ${e.message}`))
        .finally(() => process.kill(process.pid, signal));
    };
    this.signalHandler = onSignal;
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }

  private removeSignalKill(): void {
    if (!this.signalHandler) return;
    process.off('SIGINT', this.signalHandler);
    process.off('SIGTERM', this.signalHandler);
    this.signalHandler = undefined;
  }

  private async submit(): Promise<void> {
    registerAmLinkMessages();
    const o = this.o;
    const s = o.settings;
    let registered!: () => void;
    const amRegistered = new Promise<void>((resolve) => (registered = resolve));
    this.server = await RpcServer.listen({
      host: o.driverBindAddress,
      secret: o.secret,
      onConnection: (conn) => {
        conn.onMessage((msg, reply) => {
          if (msg.type === 'kindling.yarn.AmRegister') {
            this.am = conn;
            this.log(`${o.applicationId}: ApplicationMaster ${String(msg.payload['applicationAttemptId'])} registered`);
            reply('kindling.yarn.AmRequestTotal', { total: this.total });
            registered();
          } else this.onAmMessage(msg.type, msg.payload);
        });
        conn.onClose(() => {
          if (conn === this.am && !this.stopped) this.backend.applicationFailed(`The YARN ApplicationMaster of ${o.applicationId} disconnected`);
        });
      },
    });
    if (o.inAm) return this.runInProcessAm(o.inAm, amRegistered);
    // Ship the app package (executors run it) and the AM's own package as ARCHIVE local resources.
    const [appPkg, amPkg] = await Promise.all([o.context.appPackage(), packApplicationMaster(o.context.conf)]);
    const rm = o.rm!;
    this.staging = appStaging(o.hadoop!, { applicationId: o.applicationId, user: s.user, stagingDir: s.stagingDir });
    const appRes = await stageArchive(this.staging, appPkg, 'app.tgz');
    const amRes = await stageArchive(this.staging, amPkg, 'kindling-am.tgz');
    this.log(`${o.applicationId}: staged the application (${appPkg.sizeBytes} bytes) and the ApplicationMaster in ${this.staging.location}`);
    const spec = this.amSpec(appRes);
    await rm.submit(
      submissionBody({
        applicationId: o.applicationId,
        name: o.appName,
        queue: s.queue,
        memoryMiB: s.amMemoryMiB + s.amMemoryOverheadMiB,
        vCores: s.amCores,
        maxAppAttempts: s.maxAppAttempts,
        tags: s.tags,
        localResources: { [AM_LINK]: amRes },
        environment: { [AM_SPEC_ENV]: encodeAmSpec(spec), ...(o.secret ? { KINDLING_AUTH_SECRET: o.secret } : {}) },
        command: shellLine([
          [s.nodePath, 'kindling.yarn.node'],
          [`--max-old-space-size=${s.amMemoryMiB}`, 'the AM heap'],
          [amEntryInContainer(amPkg), 'the ApplicationMaster entry point'],
        ]),
      }),
    );
    this.log(`Submitted ${o.applicationId} to YARN queue '${s.queue}'`);
    this.installSignalKill();
    // Fails fast with the diagnostics (unknown queue, ...) if the app dies before its AM registers.
    const watch = monitorApplication(rm, o.applicationId, s.queue, { intervalMs: 500, log: this.log, until: new Set(['RUNNING']) }).then(async () => {
      await Promise.race([amRegistered, sleep(s.submitTimeoutMs)]);
      if (!this.am) {
        const r = await rm.app(o.applicationId);
        throw new YarnError(`The ApplicationMaster of ${o.applicationId} did not connect back within ${s.submitTimeoutMs} ms (state ${r.state}; AM logs: ${r.amContainerLogs ?? 'unknown'}). Is kindling.driver.host (${o.driverHost}) reachable from the cluster?`);
      }
    });
    await Promise.race([amRegistered, watch]);
    void watch.catch(() => {});
  }

  private amSpec(appResource: LocalResource): AmSpec {
    const s = this.o.settings;
    return {
      driver: { host: this.o.driverHost, port: this.server!.port },
      schedulers: this.o.rmEndpoints.map((e) => e.scheduler),
      executor: {
        memoryMiB: s.executorMemoryMiB + s.executorMemoryOverheadMiB,
        vCores: s.executorCores,
        words: this.executorWords(),
        env: {},
        localResources: [{ key: APP_LINK, value: localResourceProto(appResource) }],
      },
      maxExecutorFailures: s.maxExecutorFailures,
      heartbeatMs: s.heartbeatMs,
    };
  }

  /** Cluster mode: this driver runs in the AM container, so the AM runs in this process, linked over loopback. */
  private async runInProcessAm(inAm: InAmContext, amRegistered: Promise<void>): Promise<void> {
    const am = new ApplicationMaster(this.amSpec(inAm.appResource), inAm.amRmToken, this.o.secret, inAm.attemptId, (l) => this.log(`[am] ${l}`));
    this.inProcessAm = am.run();
    this.inProcessAm.catch((e: Error) => this.backend.applicationFailed(`The in-process ApplicationMaster failed: ${e.message}`));
    await Promise.race([amRegistered, this.inProcessAm.then(() => undefined)]);
  }

  private executorWords(): string[] {
    const o = this.o;
    const s = o.settings;
    const { args } = executorCommand({
      driverUrl: o.driverUrl,
      executorId: EXECUTOR_ID_PLACEHOLDER,
      hostname: HOSTNAME_PLACEHOLDER,
      cores: s.executorCores,
      appId: o.applicationId,
      workDir: 'kindling-work', // relative: inside the container's own directory, removed with it
      memoryMiB: s.executorMemoryMiB,
      appSource: { kind: 'unpacked', appRoot: `${CONTAINER_DIR}/${APP_LINK}` },
      node: s.nodePath,
    });
    return [s.nodePath, ...args];
  }

  private onAmMessage(type: string, p: Record<string, unknown>): void {
    if (type === 'kindling.yarn.AmExecutorLaunched') {
      this.log(`executor ${String(p['executorId'])} started in ${String(p['containerId'])} on ${String(p['host'])}`);
    } else if (type === 'kindling.yarn.AmExecutorCompleted') {
      const id = String(p['executorId']);
      const exitStatus = Number(p['exitStatus']);
      const reason = { message: `${containerExitMessage(exitStatus, String(p['diagnostics'] ?? ''))} (${String(p['containerId'])})`, exitCausedByApp: exitCausedByApp(exitStatus) };
      this.completed.set(id, reason);
      const waiters = this.completionWaiters.get(id) ?? [];
      this.completionWaiters.delete(id);
      for (const w of waiters) w(reason);
      // The backend is already asking (its connection dropped): it removes the executor with this
      // reason. Otherwise give the dying connection a moment to drop, so the loss carries YARN's
      // diagnostics; then report the exit ourselves (an executor that never connected).
      if (waiters.length === 0) setTimeout(() => this.backend.executorProcessExited(id, { code: exitStatus, signal: null }), 3000).unref();
    }
  }
}
