/**
 * Test clusters of real daemons: kindling-master and kindling-worker started as child processes
 * through their bins, on free loopback ports, with their logs collected for failure messages.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectRpc } from '@kindling/core/cluster-manager';
import type { MasterSnapshot } from './master-snapshot.js';
import { parseStandaloneUrl } from './standalone-master-url.js';
import { Msg, registerStandaloneMessages } from './standalone-messages.js';

const BIN = fileURLToPath(new URL('../bin/', import.meta.url));

export interface Daemon {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything it printed so far. */
  output(): string;
  exited: Promise<{ code: number | null; signal: string | null }>;
  /** SIGTERM and wait (SIGKILL after 15 s). */
  stop(): Promise<void>;
}

export interface TestCluster {
  masterUrl: string;
  /** http://127.0.0.1:<port> of the master's UI. */
  masterWebUi: string;
  master: Daemon;
  workers: Daemon[];
  workDir: string;
  conf: Record<string, string>;
  /** Starts one more worker (e.g. after killing one). */
  addWorker(opts?: { cores?: number; memory?: string }): Promise<Daemon>;
  /** Executor processes (children of the workers): pid and executor id. */
  executors(): Array<{ pid: number; executorId: string; appId: string; workerPid: number; driverUrl: string }>;
  stop(): Promise<void>;
}

export function startDaemon(bin: 'kindling-master' | 'kindling-worker', args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<{ daemon: Daemon; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, [path.join(BIN, `${bin}.js`), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const daemon: Daemon = {
    child,
    pid: child.pid!,
    output: () => out,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${bin} did not start within 30 s:\n${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ daemon, match: m });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${bin} exited (${code ?? signal}) before it was ready:\n${out}`));
    });
  });
}

export async function startMaster(conf: Record<string, string>, env: NodeJS.ProcessEnv = {}, port = 0): Promise<{ daemon: Daemon; url: string; webUi: string }> {
  const args = ['--port', String(port), '--webui-port', '0', ...confArgs(conf)];
  const { daemon, match } = await startDaemon('kindling-master', args, env, /kindling-master listening at (spark:\/\/\S+) \(web UI (\S+)\)/);
  return { daemon, url: match[1]!, webUi: match[2]! };
}

/** Workers of every test cluster in this process share one package dir, so each app package is unpacked once. */
let sharedPackageDir: string | undefined;
function packageDir(): string {
  if (!sharedPackageDir) {
    sharedPackageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-standalone-packages-'));
    const dir = sharedPackageDir;
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return sharedPackageDir;
}

export async function startWorker(masterUrl: string, workDir: string, conf: Record<string, string>, opts: { cores?: number; memory?: string } = {}, env: NodeJS.ProcessEnv = {}): Promise<Daemon> {
  const args = [masterUrl, '--webui-port', '0', '--cores', String(opts.cores ?? 2), '--memory', opts.memory ?? '2g', '--work-dir', workDir, ...confArgs({ 'kindling.worker.packageDir': packageDir(), ...conf })];
  return (await startDaemon('kindling-worker', args, env, /kindling-worker \S+ registered/)).daemon;
}

/** A master and `workers` workers (2 cores, 2 GiB each unless told otherwise). */
export async function startCluster(o: { workers?: number; conf?: Record<string, string>; env?: NodeJS.ProcessEnv; cores?: number } = {}): Promise<TestCluster> {
  const conf = o.conf ?? {};
  const env = o.env ?? {};
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-standalone-'));
  const { daemon: master, url, webUi } = await startMaster(conf, env);
  const workers: Daemon[] = [];
  let n = 0;
  const addWorker = async (opts: { cores?: number; memory?: string } = {}) => {
    const w = await startWorker(url, path.join(workDir, `worker-${n++}`), conf, { cores: o.cores, ...opts }, env);
    workers.push(w);
    return w;
  };
  try {
    for (let i = 0; i < (o.workers ?? 2); i++) await addWorker();
  } catch (e) {
    await Promise.all([master, ...workers].map((d) => d.stop()));
    throw e;
  }
  return {
    masterUrl: url,
    masterWebUi: webUi,
    master,
    workers,
    workDir,
    conf,
    addWorker,
    executors: () => executorChildren(workers.map((w) => w.pid)),
    async stop() {
      await Promise.all(workers.map((w) => w.stop()));
      await master.stop();
      fs.rmSync(workDir, { recursive: true, force: true });
    },
  };
}

export function executorChildren(parents: number[]): Array<{ pid: number; executorId: string; appId: string; workerPid: number; driverUrl: string }> {
  const found: Array<{ pid: number; executorId: string; appId: string; workerPid: number; driverUrl: string }> = [];
  for (const parent of parents) {
    let out = '';
    try {
      out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(parent)], { encoding: 'utf8' });
    } catch {
      continue; // no children (ps exits 1)
    }
    for (const line of out.split('\n')) {
      const m = /^\s*(\d+)\s+(.*)$/.exec(line);
      if (!m || !/executor-main\.js|kindling-executor\.js/.test(m[2]!)) continue;
      const args = m[2]!.split(/\s+/);
      const opt = (name: string) => args[args.indexOf(name) + 1] ?? '';
      found.push({ pid: Number(m[1]), executorId: opt('--executor-id'), appId: opt('--app-id'), workerPid: parent, driverUrl: opt('--driver-url') });
    }
  }
  return found;
}

function confArgs(conf: Record<string, string>): string[] {
  return Object.entries(conf).flatMap(([k, v]) => ['--conf', `${k}=${v}`]);
}

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The master's /json state, over its RPC (as an operator's tool would ask). */
export async function masterState(masterUrl: string, secret?: string): Promise<MasterSnapshot> {
  registerStandaloneMessages();
  const [m] = parseStandaloneUrl(masterUrl);
  const conn = await connectRpc({ host: m!.host, port: m!.port, secret, timeoutMs: 5000, askTimeoutMs: 5000 });
  try {
    const answer = await conn.ask(Msg.RequestMasterState, {});
    return JSON.parse(String(answer.payload['json'])) as MasterSnapshot;
  } finally {
    conn.close();
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
