/**
 * The standalone master (Spark's deploy.master.Master): workers register and heartbeat, drivers
 * register applications, and the master grants executors on workers, FIFO across applications.
 * Every message is protobuf over core's authenticated RPC; workers and drivers keep one
 * connection each, and the master answers and commands over it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  KindlingConf,
  RpcServer,
  rpcSettings,
  type Reply,
  type RpcConnectionLike,
  type RpcMessage,
} from '@kindling/core/cluster-manager';
import {
  executorKey,
  FINISHED_EXECUTOR_STATES,
  timestampId,
  type AppInfo,
  type ExecutorInfo,
  type ExecutorState,
  type MasterState,
  type WorkerInfo,
} from './master-model.js';
import { MasterDrivers } from './master-drivers.js';
import { masterRoutes } from './master-page.js';
import { masterSnapshot, type MasterSnapshot } from './master-snapshot.js';
import type { PersistenceEngine } from './persistence-engine.js';
import { openRecoveryMode } from './master-recovery-mode.js';
import { driverRestBackend } from './master-rest-backend.js';
import { executorsToLaunch } from './master-schedule.js';
import { StandaloneError } from './standalone-error.js';
import { Msg, registerStandaloneMessages, type ApplicationDescription, type DriverDescription, type ExecutorDescription } from './standalone-messages.js';
import { RestSubmissionServer } from './rest-submission-server.js';
import { WebUi } from './web-ui.js';
import type { ZooKeeperSession } from './zookeeper-client.js';
import { ZooKeeperLeaderElection } from './zookeeper-recovery.js';

export interface MasterOptions {
  /** Default 127.0.0.1 (loopback only); '0.0.0.0' to accept other hosts. */
  host?: string;
  /** Default 7077; 0 = any free port. */
  port?: number;
  /** The web UI's port (kindling-master: 8080); 0 = any free port; undefined = no UI. */
  webUiPort?: number;
  conf?: KindlingConf;
  log?: (message: string) => void;
  /** ZOOKEEPER mode: this master lost its leadership (its session); default: stop. kindling-master exits. */
  onLeadershipLost?: (message: string) => void;
}

interface PersistedApp {
  id: string;
  desc: Omit<ApplicationDescription, 'secret'>;
  startTime: number;
}
interface PersistedWorker {
  id: string;
  host: string;
  cores: number;
  memoryMib: number;
  webUiUrl: string;
}

export class Master {
  private readonly workers = new Map<string, WorkerInfo>();
  private readonly apps = new Map<string, AppInfo>();
  /** Registration order: FIFO scheduling across applications. */
  private readonly waitingApps: string[] = [];
  private readonly completedApps: AppInfo[] = [];
  private nextAppNumber = 0;
  private state: MasterState = 'ALIVE';
  private checkTimer: NodeJS.Timeout | undefined;
  private recoveryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly workerTimeoutMs: number;
  private readonly spreadOut: boolean;
  private readonly defaultCores: number;
  private readonly maxExecutorRetries: number;
  private readonly retainedApps: number;
  private readonly startTime = Date.now();
  private ui: WebUi | undefined;
  private rest: RestSubmissionServer | undefined;
  private readonly drivers: MasterDrivers;
  /** Where uploaded packages go when there is no recovery directory; removed on stop. */
  private readonly tempDir: string | undefined;
  private zk: ZooKeeperSession | undefined;
  private election: ZooKeeperLeaderElection | undefined;

  private constructor(
    private readonly server: RpcServer,
    private readonly conf: KindlingConf,
    private readonly persistence: PersistenceEngine,
    private readonly log: (message: string) => void,
  ) {
    this.workerTimeoutMs = conf.getTimeMs('kindling.worker.timeout', '60s', 's');
    this.spreadOut = conf.getBoolean('kindling.deploy.spreadOut', true);
    const defaultCores = conf.getInt('kindling.deploy.defaultCores', 0);
    if (conf.has('kindling.deploy.defaultCores') && defaultCores < 1) {
      throw new StandaloneError(`kindling.deploy.defaultCores must be a positive integer, got '${conf.get('kindling.deploy.defaultCores')}'`);
    }
    this.defaultCores = defaultCores || Number.POSITIVE_INFINITY;
    this.maxExecutorRetries = conf.getInt('kindling.deploy.maxExecutorRetries', 10);
    this.retainedApps = conf.getInt('kindling.deploy.retainedApplications', 200);
    const recoveryDir = conf.get('kindling.deploy.recoveryDirectory');
    if (!recoveryDir) this.tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-master-'));
    this.drivers = new MasterDrivers(this.workers, path.join(recoveryDir ?? this.tempDir!, 'packages'), () => this.url, log, conf.getInt('kindling.deploy.retainedDrivers', 200));
  }

  static async start(options: MasterOptions = {}): Promise<Master> {
    registerStandaloneMessages();
    const conf = options.conf ?? new KindlingConf();
    const log = options.log ?? ((m: string) => console.error(`[master] ${m}`));
    const settings = rpcSettings(conf);
    const { persistence, zk } = await openRecoveryMode(conf);
    let master: Master | undefined;
    const server = await RpcServer.listen({
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 7077,
      secret: settings.secret,
      maxFrameBytes: settings.maxFrameBytes,
      onConnection: (conn) => master!.accept(conn),
      log,
    });
    master = new Master(server, conf, persistence, log);
    if (options.webUiPort !== undefined) {
      try {
        master.ui = await WebUi.listen(options.host ?? '127.0.0.1', options.webUiPort, masterRoutes(() => master!.snapshot()), settings.secret);
      } catch (e) {
        await server.close();
        throw e;
      }
    }
    if (zk) {
      master.state = 'STANDBY';
      master.zk = zk.session;
      master.election = await ZooKeeperLeaderElection.join(
        zk.session,
        zk.dir,
        master.url,
        () => {
          log('Elected leader through ZooKeeper');
          void master!.recover();
        },
        () => {
          const message = 'Leadership through ZooKeeper lost (session disconnected or expired)';
          log(message);
          if (options.onLeadershipLost) options.onLeadershipLost(message);
          else void master!.stop();
        },
      );
    } else {
      await master.recover();
    }
    if (conf.getBoolean('kindling.master.rest.enabled', false)) {
      master.rest = await RestSubmissionServer.listen(options.host ?? '127.0.0.1', conf.getInt('kindling.master.rest.port', 6066), driverRestBackend(master.drivers, () => master!.state === 'ALIVE', () => master!.schedule()), settings.secret);
      log(`REST submission server at http://${options.host ?? '127.0.0.1'}:${master.rest.port}`);
    }
    const interval = Math.max(100, Math.min(master.workerTimeoutMs / 4, 15_000));
    master.checkTimer = setInterval(() => master!.removeSilentWorkers(), interval);
    master.checkTimer.unref();
    log(`Started master at ${master.url} (state ${master.state})`);
    return master;
  }

  get url(): string {
    const h = this.server.host;
    return `spark://${h.includes(':') ? `[${h}]` : h}:${this.server.port}`;
  }

  get port(): number {
    return this.server.port;
  }

  /** The REST submission server's port, if kindling.master.rest.enabled. */
  get restPort(): number | undefined {
    return this.rest?.port;
  }

  /** http://host:port of the web UI, if it runs. */
  get webUiUrl(): string | undefined {
    return this.ui?.url;
  }

  get status(): MasterState {
    return this.state;
  }

  /** The cluster as the UI and /json show it. */
  snapshot(): MasterSnapshot {
    return masterSnapshot({
      url: this.url,
      status: this.state,
      startTime: this.startTime,
      workers: [...this.workers.values()],
      activeApps: [...this.apps.values()],
      completedApps: this.completedApps,
      activeDrivers: [...this.drivers.drivers.values()],
      completedDrivers: this.drivers.completed,
    });
  }

  /** Stops listening and drops every connection. Workers and drivers keep running and reconnect to a successor. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.checkTimer);
    clearTimeout(this.recoveryTimer);
    this.election?.stop();
    await this.ui?.close();
    await this.rest?.close();
    await this.server.close();
    await this.persistence.close();
    this.zk?.close();
    if (this.tempDir) fs.rmSync(this.tempDir, { recursive: true, force: true });
  }

  // ---- connections ----

  private accept(conn: RpcConnectionLike): void {
    let peer: { kind: 'worker' | 'app'; id: string } | undefined;
    conn.onMessage(async (msg, reply) => {
      const who = await this.handle(conn, msg, reply);
      if (who) peer = who;
    });
    conn.onClose(() => {
      if (this.stopped || !peer) return;
      if (peer.kind === 'worker') {
        const w = this.workers.get(peer.id);
        if (w && w.conn === conn) this.removeWorker(w, `${conn.remoteAddress} got disassociated`);
      } else {
        const a = this.apps.get(peer.id);
        if (a && a.conn === conn) this.finishApp(a, 'FINISHED', 'the driver disconnected');
      }
    });
  }

  private async handle(conn: RpcConnectionLike, msg: RpcMessage, reply: Reply): Promise<{ kind: 'worker' | 'app'; id: string } | void> {
    const p = msg.payload;
    switch (msg.type) {
      case Msg.RegisterWorker:
        return this.registerWorker(conn, p, reply);
      case Msg.WorkerHeartbeat: {
        const w = this.workers.get(String(p['workerId']));
        if (w && w.state !== 'DEAD') w.lastHeartbeat = Date.now();
        else conn.send(Msg.ReconnectWorker, { masterUrl: this.url });
        return;
      }
      case Msg.ExecutorStateChanged:
        this.executorStateChanged(p);
        return;
      case Msg.RegisterApplication:
        return this.registerApplication(conn, p, reply);
      case Msg.UnregisterApplication: {
        const a = this.apps.get(String(p['appId']));
        if (a && a.conn === conn) this.finishApp(a, 'FINISHED', 'the application ended');
        return;
      }
      case Msg.RequestExecutors: {
        const a = this.ownApp(conn, p);
        a.executorLimit = Number(p['total']);
        this.schedule();
        reply(Msg.Ack, { ok: true, message: '' });
        return;
      }
      case Msg.KillExecutors: {
        const a = this.ownApp(conn, p);
        for (const id of (p['executorIds'] as string[]) ?? []) {
          const e = a.executors.get(id);
          if (e) this.workers.get(e.workerId)?.conn?.send(Msg.KillExecutor, { appId: a.id, executorId: id });
        }
        reply(Msg.Ack, { ok: true, message: '' });
        return;
      }
      case Msg.UploadAppPackage:
        this.drivers.upload(p, msg.body);
        reply(Msg.Ack, { ok: true, message: '' });
        return;
      case Msg.SubmitDriver: {
        if (this.state !== 'ALIVE') throw new StandaloneError(`Current state is not alive: ${this.state}. Can only accept driver submissions in ALIVE state.`);
        const d = this.drivers.submit(p['description'] as DriverDescription);
        this.schedule();
        reply(Msg.DriverSubmitted, { driverId: d.id, message: `Driver successfully submitted as ${d.id}` });
        return;
      }
      case Msg.RequestDriverStatus:
        reply(Msg.DriverStatusResponse, this.drivers.status(String(p['driverId'])));
        return;
      case Msg.KillDriver:
        reply(Msg.DriverStatusResponse, this.drivers.kill(String(p['driverId'])));
        return;
      case Msg.DriverStateChanged:
        this.drivers.stateChanged(p);
        this.schedule();
        return;
      case 'fetchAppPackage':
        await this.drivers.servePackage(p, reply);
        return;
      case Msg.RequestMasterState:
        reply(Msg.MasterStateResponse, { json: JSON.stringify(this.snapshot()) });
        return;
      default:
        throw new StandaloneError(`The master does not handle '${msg.type}' messages`);
    }
  }

  private ownApp(conn: RpcConnectionLike, p: Record<string, unknown>): AppInfo {
    const a = this.apps.get(String(p['appId']));
    if (!a || a.conn !== conn) throw new StandaloneError(`Unknown application '${String(p['appId'])}' on this connection`);
    return a;
  }

  // ---- workers ----

  private registerWorker(conn: RpcConnectionLike, p: Record<string, unknown>, reply: Reply): { kind: 'worker'; id: string } | void {
    if (this.state === 'STANDBY') {
      reply(Msg.MasterInStandby, {});
      return;
    }
    const id = String(p['workerId']);
    const cores = Number(p['cores']);
    const memoryMib = Number(p['memoryMib']);
    if (!/^[A-Za-z0-9._-]+$/.test(id) || cores < 1 || memoryMib < 1) {
      throw new StandaloneError(`Invalid worker registration: id '${id}', ${cores} cores, ${memoryMib} MiB`);
    }
    const known = this.workers.get(id);
    const duplicate = known !== undefined && known.state !== 'DEAD';
    const w: WorkerInfo = known && known.state !== 'DEAD' ? known : {
      id,
      host: String(p['host']),
      cores,
      memoryMib,
      webUiUrl: String(p['webUiUrl'] ?? ''),
      state: 'ALIVE',
      conn,
      lastHeartbeat: Date.now(),
      executors: new Map(),
      drivers: new Map(),
    };
    if (w.conn && w.conn !== conn && !w.conn.closed) w.conn.close();
    w.conn = conn;
    w.state = 'ALIVE';
    w.lastHeartbeat = Date.now();
    this.workers.set(id, w);
    // A worker that comes back reports what still runs on it: adopt what belongs to live apps, stop the
    // rest, and count what it no longer has as lost.
    const reported = (p['executors'] as ExecutorDescription[]) ?? [];
    const still = new Set(reported.map((d) => executorKey(d.appId, d.executorId)));
    for (const [key, e] of [...w.executors]) {
      if (!still.has(key) && e.state !== 'LAUNCHING') this.executorEnded(e, 'LOST', { message: 'the worker no longer runs it' });
    }
    for (const d of reported) this.adoptExecutor(w, d);
    this.drivers.adopt(w, (p['driverIds'] as string[]) ?? []);
    void this.persistence.persist('worker', id, { id, host: w.host, cores, memoryMib, webUiUrl: w.webUiUrl } satisfies PersistedWorker);
    reply(Msg.RegisteredWorker, { masterUrl: this.url, duplicate });
    this.log(`Registered worker ${id} (${w.host}, ${cores} cores, ${memoryMib} MiB)${duplicate ? ' again' : ''}`);
    this.maybeCompleteRecovery();
    this.schedule();
    return { kind: 'worker', id };
  }

  private adoptExecutor(w: WorkerInfo, d: ExecutorDescription): void {
    const key = executorKey(d.appId, d.executorId);
    if (w.executors.has(key)) return;
    const app = this.apps.get(d.appId);
    if (!app || (app.state !== 'RUNNING' && app.state !== 'WAITING' && app.state !== 'UNKNOWN')) {
      w.conn?.send(Msg.KillExecutor, { appId: d.appId, executorId: d.executorId });
      return;
    }
    const e: ExecutorInfo = { appId: d.appId, executorId: d.executorId, workerId: w.id, cores: d.cores, memoryMib: d.memoryMib, state: 'RUNNING' };
    w.executors.set(key, e);
    app.executors.set(d.executorId, e);
    app.nextExecutorId = Math.max(app.nextExecutorId, Number(d.executorId) + 1);
    if (app.state === 'WAITING') app.state = 'RUNNING'; // its driver came back before this worker
  }

  private removeSilentWorkers(): void {
    const now = Date.now();
    for (const w of this.workers.values()) {
      if (w.state === 'ALIVE' && now - w.lastHeartbeat > this.workerTimeoutMs) {
        this.removeWorker(w, `Not receiving heartbeat for ${Math.round(this.workerTimeoutMs / 1000)} seconds`);
      }
    }
    // Dead workers stay visible for (kindling.dead.worker.persistence + 1) timeouts, as in Spark.
    const keepMs = (this.conf.getInt('kindling.dead.worker.persistence', 15) + 1) * this.workerTimeoutMs;
    for (const w of [...this.workers.values()]) {
      if (w.state === 'DEAD' && now - w.lastHeartbeat > keepMs) this.workers.delete(w.id);
    }
  }

  private removeWorker(w: WorkerInfo, message: string): void {
    if (w.state === 'DEAD') return;
    this.log(`Removing worker ${w.id} on ${w.host}: ${message}`);
    w.state = 'DEAD';
    const conn = w.conn;
    w.conn = undefined;
    for (const e of [...w.executors.values()]) {
      this.executorEnded(e, 'LOST', { message: `worker lost: ${message}`, workerLost: true });
    }
    this.drivers.workerRemoved(w);
    for (const a of this.apps.values()) a.conn?.send(Msg.WorkerRemoved, { workerId: w.id, host: w.host, message });
    if (conn && !conn.closed) conn.close();
    void this.persistence.unpersist('worker', w.id);
    this.schedule();
  }

  // ---- applications ----

  private registerApplication(conn: RpcConnectionLike, p: Record<string, unknown>, reply: Reply): { kind: 'app'; id: string } | void {
    if (this.state === 'STANDBY') {
      reply(Msg.MasterInStandby, {});
      return;
    }
    const desc = p['description'] as ApplicationDescription;
    if (!desc || !desc.driverUrl) throw new StandaloneError('RegisterApplication carries no application description');
    const requestedId = String(p['appId'] ?? '');
    let app = requestedId ? this.apps.get(requestedId) : undefined;
    if (requestedId && !app) {
      // A driver whose master restarted without (or before) its record: take it back under its id.
      if (!/^[A-Za-z0-9._-]+$/.test(requestedId)) throw new StandaloneError(`Invalid application id '${requestedId}'`);
      app = this.newApp(requestedId, desc);
    }
    app ??= this.newApp(`app-${timestampId()}-${String(this.nextAppNumber++).padStart(4, '0')}`, desc);
    if (app.conn && app.conn !== conn && !app.conn.closed) app.conn.close();
    app.desc = desc;
    app.conn = conn;
    if (app.state === 'UNKNOWN' || app.state === 'WAITING') app.state = app.executors.size > 0 ? 'RUNNING' : 'WAITING';
    app.nextExecutorId = Math.max(app.nextExecutorId, Number(p['nextExecutorId'] ?? 0));
    if (!this.waitingApps.includes(app.id)) this.waitingApps.push(app.id);
    const { secret: _secret, ...persisted } = desc;
    void this.persistence.persist('app', app.id, { id: app.id, desc: persisted, startTime: app.startTime } satisfies PersistedApp);
    reply(Msg.RegisteredApplication, { appId: app.id, masterUrl: this.url });
    this.log(`Registered application ${app.id} (${desc.name})${requestedId ? ' again' : ''}`);
    this.maybeCompleteRecovery();
    this.schedule();
    return { kind: 'app', id: app.id };
  }

  private newApp(id: string, desc: ApplicationDescription): AppInfo {
    const app: AppInfo = {
      id,
      desc,
      conn: undefined,
      state: 'WAITING',
      startTime: Date.now(),
      executors: new Map(),
      nextExecutorId: 0,
      executorLimit: desc.initialExecutorLimit < 0 ? Number.POSITIVE_INFINITY : desc.initialExecutorLimit,
      retryCount: 0,
    };
    this.apps.set(id, app);
    return app;
  }

  private finishApp(app: AppInfo, state: 'FINISHED' | 'FAILED' | 'KILLED', message: string): void {
    if (!this.apps.has(app.id)) return;
    this.log(`Application ${app.id} ${state}: ${message}`);
    this.apps.delete(app.id);
    const i = this.waitingApps.indexOf(app.id);
    if (i >= 0) this.waitingApps.splice(i, 1);
    app.state = state;
    app.endTime = Date.now();
    app.endMessage = message;
    for (const e of [...app.executors.values()]) {
      const w = this.workers.get(e.workerId);
      w?.conn?.send(Msg.KillExecutor, { appId: app.id, executorId: e.executorId });
      w?.executors.delete(executorKey(app.id, e.executorId));
      e.state = 'KILLED';
    }
    for (const w of this.workers.values()) w.conn?.send(Msg.ApplicationFinished, { appId: app.id });
    if (state !== 'FINISHED' && app.conn && !app.conn.closed) app.conn.send(Msg.ApplicationRemoved, { message });
    this.completedApps.push(app);
    if (this.completedApps.length > this.retainedApps) this.completedApps.splice(0, this.completedApps.length - this.retainedApps);
    void this.persistence.unpersist('app', app.id);
    this.schedule();
  }

  // ---- executors ----

  private executorStateChanged(p: Record<string, unknown>): void {
    const app = this.apps.get(String(p['appId']));
    const e = app?.executors.get(String(p['executorId']));
    if (!app || !e) return;
    const state = String(p['state']) as ExecutorState;
    const exit = { hasExitCode: Boolean(p['hasExitCode']), exitCode: Number(p['exitCode'] ?? 0), signal: String(p['signal'] ?? '') };
    if (!FINISHED_EXECUTOR_STATES.has(state)) {
      e.state = state;
      if (state === 'RUNNING') app.retryCount = 0;
      app.conn?.send(Msg.ExecutorUpdated, { executorId: e.executorId, state, message: String(p['message'] ?? ''), ...exit, workerLost: false });
      return;
    }
    this.executorEnded(e, state, { message: String(p['message'] ?? ''), ...exit });
    const normal = state === 'KILLED' || (state === 'EXITED' && exit.exitCode === 0);
    if (!normal && this.apps.has(app.id)) {
      app.retryCount++;
      const running = [...app.executors.values()].some((x) => x.state === 'RUNNING');
      if (this.maxExecutorRetries >= 0 && app.retryCount >= this.maxExecutorRetries && !running) {
        this.finishApp(
          app,
          'FAILED',
          `Master removed our application: FAILED (${app.retryCount} executors in a row failed; the last, ${e.executorId}, ${state}: ${String(p['message'] ?? '')}; kindling.deploy.maxExecutorRetries sets the limit)`,
        );
        return;
      }
    }
    this.schedule();
  }

  /** Frees the executor's resources and tells its driver. */
  private executorEnded(
    e: ExecutorInfo,
    state: ExecutorState,
    how: { message: string; hasExitCode?: boolean; exitCode?: number; signal?: string; workerLost?: boolean },
  ): void {
    e.state = state;
    this.workers.get(e.workerId)?.executors.delete(executorKey(e.appId, e.executorId));
    const app = this.apps.get(e.appId);
    if (!app) return;
    app.executors.delete(e.executorId);
    app.conn?.send(Msg.ExecutorUpdated, {
      executorId: e.executorId,
      state,
      message: how.message,
      exitCode: how.exitCode ?? 0,
      hasExitCode: how.hasExitCode ?? false,
      signal: how.signal ?? '',
      workerLost: how.workerLost ?? false,
    });
  }

  /** Spark's Master.schedule (executors part): FIFO over waiting apps, then scheduleExecutorsOnWorkers. */
  private schedule(): void {
    if (this.state !== 'ALIVE' || this.stopped) return;
    this.drivers.schedule();
    for (const appId of this.waitingApps) {
      const app = this.apps.get(appId);
      if (!app || !app.conn) continue;
      for (const { worker, cores } of executorsToLaunch(app, this.workers.values(), this.defaultCores, this.spreadOut)) this.launchExecutor(app, worker, cores);
    }
  }
  private launchExecutor(app: AppInfo, w: WorkerInfo, cores: number): void {
    const executorId = String(app.nextExecutorId++);
    const e: ExecutorInfo = { appId: app.id, executorId, workerId: w.id, cores, memoryMib: app.desc.memoryPerExecutorMib, state: 'LAUNCHING' };
    w.executors.set(executorKey(app.id, executorId), e);
    app.executors.set(executorId, e);
    app.state = 'RUNNING';
    this.log(`Launching executor ${app.id}/${executorId} on worker ${w.id} (${cores} cores, ${e.memoryMib} MiB)`);
    w.conn!.send(Msg.LaunchExecutor, {
      appId: app.id,
      executorId,
      cores,
      memoryMib: e.memoryMib,
      driverUrl: app.desc.driverUrl,
      appName: app.desc.name,
      secret: app.desc.secret,
      nodeOptions: app.desc.nodeOptions,
      appRoot: app.desc.appRoot,
      appPackageHash: app.desc.appPackageHash,
      executorEnv: app.desc.executorEnv ?? {},
    });
    app.conn!.send(Msg.ExecutorAdded, { executorId, workerId: w.id, host: w.host, cores, memoryMib: e.memoryMib });
  }

  // ---- recovery ----

  private async recover(): Promise<void> {
    const apps = await this.persistence.readAll<PersistedApp>('app');
    const workers = await this.persistence.readAll<PersistedWorker>('worker');
    if (apps.length === 0 && workers.length === 0) {
      this.state = 'ALIVE';
      return;
    }
    this.state = 'RECOVERING';
    for (const r of workers) {
      this.workers.set(r.id, { ...r, state: 'UNKNOWN', conn: undefined, lastHeartbeat: Date.now(), executors: new Map(), drivers: new Map() });
    }
    for (const r of apps) {
      const app = this.newApp(r.id, { ...r.desc, secret: '' });
      app.state = 'UNKNOWN';
      app.startTime = r.startTime;
      this.waitingApps.push(r.id);
    }
    const timeout = this.conf.getTimeMs('kindling.deploy.recoveryTimeout', `${this.workerTimeoutMs}ms`);
    this.log(`Recovering ${apps.length} application(s) and ${workers.length} worker(s); waiting up to ${timeout} ms for them to reconnect`);
    this.recoveryTimer = setTimeout(() => this.completeRecovery(), timeout);
    this.recoveryTimer.unref();
  }

  private maybeCompleteRecovery(): void {
    if (this.state !== 'RECOVERING') return;
    const unknown = [...this.workers.values()].some((w) => w.state === 'UNKNOWN') || [...this.apps.values()].some((a) => a.state === 'UNKNOWN');
    if (!unknown) this.completeRecovery();
  }

  private completeRecovery(): void {
    if (this.state !== 'RECOVERING') return;
    clearTimeout(this.recoveryTimer);
    this.state = 'ALIVE';
    for (const w of [...this.workers.values()]) if (w.state === 'UNKNOWN') this.removeWorker(w, 'did not reconnect after master recovery');
    for (const a of [...this.apps.values()]) if (a.state === 'UNKNOWN') this.finishApp(a, 'FINISHED', 'its driver did not reconnect after master recovery');
    this.log('Recovery complete');
    this.schedule();
  }
}
