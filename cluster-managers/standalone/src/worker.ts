/**
 * The standalone worker (Spark's deploy.worker.Worker): registers with the leading master,
 * heartbeats, launches and kills executors on its orders, and re-registers (reporting the
 * executors it still runs) whenever its connection to the master is lost.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { connectRpc, fetchAppPackage, KindlingConf, rpcSettings, type RpcConnectionLike, type RpcMessage } from '@kindling/core/cluster-manager';
import { DriverRunner } from './driver-runner.js';
import { ExecutorRunner, type ExecutorEnd } from './executor-runner.js';
import { timestampId } from './master-model.js';
import { StandaloneError } from './standalone-error.js';
import { formatStandaloneUrl, type MasterAddress } from './standalone-master-url.js';
import { Msg, registerStandaloneMessages, type DriverDescription } from './standalone-messages.js';
import { WebUi } from './web-ui.js';
import { workerRoutes, type WorkerView } from './worker-page.js';

export interface WorkerOptions {
  masters: MasterAddress[];
  /** The host executors bind and advertise; default 127.0.0.1. */
  host?: string;
  /** Default: all cores of the machine. */
  cores?: number;
  /** Default: the machine's memory minus 1 GiB (at least 512 MiB). */
  memoryMib?: number;
  /** Default <cwd>/work. */
  workDir?: string;
  /** The web UI's port (kindling-worker: 8081); 0 = any free port; undefined = no UI. */
  webUiPort?: number;
  conf?: KindlingConf;
  log?: (message: string) => void;
}

let workersInProcess = 0;
const SAFE_ID = /^[A-Za-z0-9._-]+$/;

/** Registration attempts before the worker gives up (Spark: 6 fast + 10 slow, about 10 minutes). */
const QUICK_ATTEMPTS = 15;
const MAX_REGISTRATION_ATTEMPTS = QUICK_ATTEMPTS + 10;

export class Worker {
  readonly id: string;
  readonly host: string;
  readonly cores: number;
  readonly memoryMib: number;
  readonly workDir: string;
  /** Unpacked application packages, one copy per hash (kindling.worker.packageDir, default <work-dir>/packages). */
  readonly packageDir: string;
  private readonly runners = new Map<string, ExecutorRunner>();
  /** Recently ended executors, for the UI (their logs stay in the work dir). */
  private readonly finished: Array<{ appId: string; executorId: string; cores: number; memoryMib: number; state: string }> = [];
  private ui: WebUi | undefined;
  /** Cluster-mode drivers running here, by id. */
  private readonly drivers = new Map<string, DriverRunner>();
  /** Executors whose package is being fetched. */
  private readonly launching = new Set<string>();
  /** Unpacked application packages by hash. */
  private readonly packages = new Map<string, Promise<string>>();
  /** Apps the master declared finished: late launch orders for them are ignored. */
  private readonly finishedApps = new Set<string>();
  private conn: RpcConnectionLike | undefined;
  private masterUrl: string | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private reconnecting: Promise<void> | undefined;
  private stopped = false;
  private readonly secret: string | undefined;
  private readonly heartbeatMs: number;
  private readonly log: (message: string) => void;
  /** Fails the daemon when every master stays unreachable. */
  private giveUp: (e: Error) => void = () => {};
  readonly failed: Promise<Error>;

  private constructor(private readonly options: WorkerOptions) {
    const conf = options.conf ?? new KindlingConf();
    this.host = options.host ?? '127.0.0.1';
    this.cores = options.cores ?? os.availableParallelism();
    this.memoryMib = options.memoryMib ?? Math.max(512, Math.floor(os.totalmem() / 1048576) - 1024);
    if (!Number.isInteger(this.cores) || this.cores < 1) throw new StandaloneError(`Worker cores must be a positive integer, got ${this.cores}`);
    if (!Number.isInteger(this.memoryMib) || this.memoryMib < 1) throw new StandaloneError(`Worker memory must be a positive number of MiB, got ${this.memoryMib}`);
    this.workDir = path.resolve(options.workDir ?? 'work');
    this.packageDir = path.resolve(conf.get('kindling.worker.packageDir', path.join(this.workDir, 'packages')));
    // Spark uses the worker's port; ours has none of its own, so pid and a counter keep ids unique.
    this.id = `worker-${timestampId()}-${this.host.replace(/[^A-Za-z0-9.-]/g, '_')}-${process.pid}${workersInProcess++ > 0 ? `-${workersInProcess - 1}` : ''}`;
    this.secret = rpcSettings(conf).secret;
    this.heartbeatMs = conf.getTimeMs('kindling.worker.timeout', '60s', 's') / 4;
    this.log = options.log ?? ((m: string) => console.error(`[worker] ${m}`));
    this.failed = new Promise((resolve) => (this.giveUp = resolve));
  }

  /** Starts the worker; resolves once it registered with a master (or rejects when none answers). */
  static async start(options: WorkerOptions): Promise<Worker> {
    registerStandaloneMessages();
    if (options.masters.length === 0) throw new StandaloneError('A worker needs a master URL, e.g. spark://127.0.0.1:7077');
    const w = new Worker(options);
    if (options.webUiPort !== undefined) w.ui = await WebUi.listen(w.host, options.webUiPort, workerRoutes(() => w.view()), w.secret);
    try {
      await w.register();
    } catch (e) {
      await w.ui?.close();
      throw e;
    }
    w.heartbeatTimer = setInterval(() => w.heartbeat(), Math.max(50, w.heartbeatMs));
    w.heartbeatTimer.unref();
    return w;
  }

  get master(): string | undefined {
    return this.masterUrl;
  }

  /** Executor process ids by `${appId}/${executorId}` (tests and the UI). */
  executorPids(): Map<string, number> {
    return new Map([...this.runners].map(([k, r]) => [k, r.pid ?? 0]));
  }

  get webUiUrl(): string | undefined {
    return this.ui?.url;
  }

  private view(): WorkerView {
    const running = [...this.runners.values()].map((r) => ({ appId: r.options.appId, executorId: r.options.executorId, cores: r.options.cores, memoryMib: r.options.memoryMib, state: 'RUNNING' }));
    return { id: this.id, masterUrl: this.masterUrl ?? '', cores: this.cores, memoryMib: this.memoryMib, workDir: this.workDir, executors: [...running, ...[...this.finished].reverse()], drivers: [...this.drivers].map(([driverId, d]) => ({ driverId, appName: d.appName })) };
  }

  /** Stops every executor (waiting until each is gone) and leaves the master. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.heartbeatTimer);
    await Promise.all([...this.runners.values()].map((r) => r.kill()));
    await Promise.all([...this.drivers.values()].map((d) => d.kill()));
    this.conn?.close();
    await this.ui?.close();
  }

  private heartbeat(): void {
    if (this.conn && !this.conn.closed) this.conn.send(Msg.WorkerHeartbeat, { workerId: this.id });
  }

  private async register(): Promise<void> {
    const problems: string[] = [];
    for (let attempt = 0; attempt < MAX_REGISTRATION_ATTEMPTS && !this.stopped; attempt++) {
      for (const m of this.options.masters) {
        try {
          if (await this.registerWith(m)) return;
          problems.push(`${formatStandaloneUrl([m])}: in standby`);
        } catch (e) {
          problems.push(`${formatStandaloneUrl([m])}: ${(e as Error).message}`);
        }
      }
      // Spark: 6 quick attempts, then 10 slow ones (~30-90 s). Ours try every few seconds for about a minute, so a
      // restarted or newly elected master is found quickly even when it is slow to start, then slow down.
      await delay((attempt < QUICK_ATTEMPTS ? Math.min(500 * 2 ** attempt, 5000) : 30_000) * (0.5 + Math.random()));
    }
    if (this.stopped) return;
    throw new StandaloneError(`All masters are unresponsive! Giving up. (${problems.slice(-this.options.masters.length).join('; ')})`);
  }

  /** True once registered; false if that master is a standby. */
  private async registerWith(m: MasterAddress): Promise<boolean> {
    const conn = await connectRpc({ host: m.host, port: m.port, secret: this.secret, timeoutMs: 10_000, askTimeoutMs: 10_000 });
    conn.onMessage((msg) => this.handle(conn, msg));
    let answer: RpcMessage;
    try {
      answer = await conn.ask(Msg.RegisterWorker, this.registration());
    } catch (e) {
      conn.close();
      throw e;
    }
    if (answer.type !== Msg.RegisteredWorker) {
      conn.close();
      return false;
    }
    if (this.stopped) {
      conn.close();
      return true;
    }
    this.conn = conn;
    this.masterUrl = String(answer.payload['masterUrl']);
    this.log(`Registered with master ${this.masterUrl} as ${this.id} (${this.cores} cores, ${this.memoryMib} MiB)`);
    conn.onClose(() => {
      if (this.conn !== conn || this.stopped) return;
      this.conn = undefined;
      this.log(`Lost the connection to master ${this.masterUrl}; registering again`);
      this.reregister();
    });
    return true;
  }

  private registration(): Record<string, unknown> {
    return {
      workerId: this.id,
      host: this.host,
      cores: this.cores,
      memoryMib: this.memoryMib,
      webUiUrl: this.ui?.url ?? '',
      executors: [...this.runners.values()].map((r) => ({
        appId: r.options.appId,
        executorId: r.options.executorId,
        cores: r.options.cores,
        memoryMib: r.options.memoryMib,
        state: 'RUNNING',
      })),
      driverIds: [...this.drivers.keys()],
    };
  }

  private reregister(): void {
    this.reconnecting ??= this.register()
      .catch((e: Error) => {
        this.log(e.message);
        this.giveUp(e);
      })
      .finally(() => (this.reconnecting = undefined));
  }

  private handle(conn: RpcConnectionLike, msg: RpcMessage): void {
    const p = msg.payload;
    switch (msg.type) {
      case Msg.LaunchExecutor:
        this.launch(conn, p);
        return;
      case Msg.KillExecutor:
        void this.runners.get(`${String(p['appId'])}/${String(p['executorId'])}`)?.kill();
        return;
      case Msg.ApplicationFinished:
        this.finishedApps.add(String(p['appId']));
        for (const [key, r] of this.runners) if (key.startsWith(`${String(p['appId'])}/`)) void r.kill();
        return;
      case Msg.LaunchDriver:
        this.launchDriver(conn, p);
        return;
      case Msg.KillDriver: {
        const d = this.drivers.get(String(p['driverId']));
        if (d) void d.kill();
        else this.sendDriverState(String(p['driverId']), 'KILLED', 'not running on this worker');
        return;
      }
      case Msg.ReconnectWorker:
        if (conn === this.conn) {
          // The master declared us dead; register again on a fresh connection.
          this.conn = undefined;
          conn.close();
          this.reregister();
        }
        return;
      default:
        this.log(`Ignoring unexpected '${msg.type}' from the master`);
    }
  }

  private launch(conn: RpcConnectionLike, p: Record<string, unknown>): void {
    const appId = String(p['appId']);
    const executorId = String(p['executorId']);
    const key = `${appId}/${executorId}`;
    const hash = String(p['appPackageHash'] ?? '');
    if (!SAFE_ID.test(appId) || !SAFE_ID.test(executorId) || !/^[0-9a-f]{64}$/.test(hash)) {
      this.log(`Refusing executor '${key}': unsafe id or no application package hash`);
      this.report({ appId, executorId, state: 'FAILED', message: 'Refused: unsafe id or no application package hash', exitCode: null, signal: null });
      return;
    }
    if (this.stopped || this.runners.has(key) || this.launching.has(key) || this.finishedApps.has(appId)) return;
    const driverUrl = String(p['driverUrl']);
    const secret = String(p['secret'] ?? '');
    this.launching.add(key);
    this.appPackage(driverUrl, hash, secret).then(
      (appRoot) => {
        this.launching.delete(key);
        if (this.stopped || this.finishedApps.has(appId)) return;
        this.start(conn, p, appId, executorId, appRoot);
      },
      (e: Error) => {
        this.launching.delete(key);
        this.report({ appId, executorId, state: 'FAILED', message: `Cannot fetch the application package from ${driverUrl}: ${e.message}`, exitCode: null, signal: null });
      },
    );
  }

  /** Fetches (once per hash, shared by concurrent launches) and unpacks the app's package from its driver. */
  private appPackage(driverUrl: string, hash: string, secret: string): Promise<string> {
    let p = this.packages.get(hash);
    if (!p) {
      p = fetchAppPackage({ driverUrl, hash, secret: secret || undefined, packageDir: this.packageDir });
      this.packages.set(hash, p);
      p.catch(() => this.packages.delete(hash));
    }
    return p;
  }

  private start(conn: RpcConnectionLike, p: Record<string, unknown>, appId: string, executorId: string, appRoot: string): void {
    const key = `${appId}/${executorId}`;
    let runner: ExecutorRunner;
    try {
      runner = new ExecutorRunner({
        appId,
        executorId,
        cores: Number(p['cores']),
        memoryMib: Number(p['memoryMib']),
        driverUrl: String(p['driverUrl']),
        hostname: this.host,
        workDir: this.workDir,
        secret: String(p['secret'] ?? ''),
        nodeOptions: (p['nodeOptions'] as string[]) ?? [],
        appRoot,
        env: (p['executorEnv'] as Record<string, string>) ?? {},
      });
    } catch (e) {
      this.report({ appId, executorId, state: 'FAILED', message: `Cannot start executor: ${(e as Error).message}`, exitCode: null, signal: null });
      return;
    }
    this.runners.set(key, runner);
    this.log(`Launched executor ${key} (pid ${runner.pid}, ${runner.options.cores} cores, ${runner.options.memoryMib} MiB), logs in ${runner.dir}`);
    if (conn === this.conn) this.report({ appId, executorId, state: 'RUNNING', message: '', exitCode: null, signal: null });
    void runner.exited.then((end) => {
      this.runners.delete(key);
      this.finished.push({ appId, executorId, cores: runner.options.cores, memoryMib: runner.options.memoryMib, state: end.state });
      if (this.finished.length > 100) this.finished.shift();
      this.log(`Executor ${key} ended: ${end.message}`);
      this.report({ appId, executorId, ...end });
    });
  }

  private launchDriver(conn: RpcConnectionLike, p: Record<string, unknown>): void {
    const driverId = String(p['driverId']);
    const desc = p['description'] as DriverDescription;
    if (!SAFE_ID.test(driverId) || this.drivers.has(driverId) || this.stopped) return;
    const hash = desc.packageHash;
    const packageDir = this.packageDir;
    fetchAppPackage({ driverUrl: `kindling://${conn.remoteAddress}`, hash, packageDir, connection: conn }).then(
      (appRoot) => {
        if (this.stopped) return;
        const runner = new DriverRunner({
          driverId,
          desc,
          masterUrl: formatStandaloneUrl(this.options.masters),
          appRoot,
          workDir: this.workDir,
          secret: this.secret,
          onState: (state, message) => this.sendDriverState(driverId, state, message),
          log: this.log,
        });
        this.drivers.set(driverId, runner);
        this.log(`Launched driver ${driverId} (${desc.appName}), logs in ${runner.dir}`);
        void runner.done.then(() => this.drivers.delete(driverId));
      },
      (e: Error) => this.sendDriverState(driverId, 'ERROR', `Cannot fetch the driver's package from the master: ${e.message}`),
    );
  }

  private sendDriverState(driverId: string, state: string, message: string): void {
    if (this.conn && !this.conn.closed) this.conn.send(Msg.DriverStateChanged, { driverId, state, message });
  }

  private report(r: { appId: string; executorId: string; state: string } & Omit<ExecutorEnd, 'state'>): void {
    if (!this.conn || this.conn.closed) return; // the next registration reports what still runs
    this.conn.send(Msg.ExecutorStateChanged, {
      appId: r.appId,
      executorId: r.executorId,
      state: r.state,
      message: r.message,
      exitCode: r.exitCode ?? 0,
      hasExitCode: r.exitCode !== null,
      signal: r.signal ?? '',
    });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
