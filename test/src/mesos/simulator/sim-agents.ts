/**
 * The agents of the simulated Mesos cluster. They REALLY run each launched CommandInfo task on
 * this host (`/bin/sh -c value` in a sandbox directory, URIs fetched into it first, archives
 * extracted), as Mesos' command executor does, and report its states through a status-update
 * manager that behaves like the agent's: one ordered queue per task, only the front update is sent,
 * each carries a fresh 16-byte uuid, and it is resent with backoff until acknowledged.
 * Agents outlive masters, so a leader switch keeps executors running.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Attribute, CommandInfo, TaskInfo, TaskState, TaskStatus } from '@kindling/cluster-manager-mesos';
import { amountsOf, type Amounts } from './sim-resources.js';

export interface AgentSpec {
  hostname?: string;
  cpus: number;
  memMb: number;
  diskMb?: number;
  ports?: [number, number];
  attributes?: Attribute[];
  /** Every command fails here at once (exit 127), as on a machine without Node. */
  broken?: boolean;
}

export interface SimAgent {
  id: string;
  hostname: string;
  total: Amounts;
  attributes: Attribute[];
  broken: boolean;
}

export interface SimTask {
  frameworkId: string;
  info: TaskInfo;
  agentId: string;
  resources: Amounts;
  state: TaskState;
  /** The last status of the task (what reconciliation reports). */
  latest: TaskStatus;
  /** Unacknowledged updates, front first. */
  queue: TaskStatus[];
  retryTimer?: NodeJS.Timeout;
  retryDelayMs: number;
  child?: ChildProcess;
  pid?: number;
  killRequested: boolean;
  sandbox: string;
}

/** Where the agents' updates go: the leading master. */
export interface UpdateSink {
  /** False when it cannot be delivered now (framework disconnected); the agent retries. */
  forwardUpdate(frameworkId: string, status: TaskStatus): boolean;
}

export interface ClusterOptions {
  agents: AgentSpec[];
  /** The agent's resend backoff (Mesos: 10 s doubling to 10 min). */
  statusRetryMs?: { initial: number; max: number };
}

const TERMINAL = new Set<TaskState>(['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR', 'TASK_LOST', 'TASK_DROPPED', 'TASK_GONE']);

export class SimulatedCluster {
  readonly agents = new Map<string, SimAgent>();
  /** By `${frameworkId}/${taskId}`. */
  readonly tasks = new Map<string, SimTask>();
  leader: UpdateSink | undefined;
  readonly sandboxRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-mesos-sim-'));
  private readonly retry: { initial: number; max: number };
  private stopped = false;

  constructor(options: ClusterOptions) {
    this.retry = options.statusRetryMs ?? { initial: 10_000, max: 600_000 };
    options.agents.forEach((a, i) => {
      const resources = [
        { name: 'cpus', type: 'SCALAR' as const, scalar: { value: a.cpus } },
        { name: 'mem', type: 'SCALAR' as const, scalar: { value: a.memMb } },
        { name: 'disk', type: 'SCALAR' as const, scalar: { value: a.diskMb ?? 10_000 } },
      ];
      const [lo, hi] = a.ports ?? [31000 + i * 1000, 31999 + i * 1000];
      const id = `sim-agent-S${i}`;
      this.agents.set(id, {
        id,
        hostname: a.hostname ?? 'localhost',
        total: amountsOf([...resources, { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: lo, end: hi }] } }]),
        attributes: a.attributes ?? [],
        broken: a.broken ?? false,
      });
    });
  }

  task(frameworkId: string, taskId: string): SimTask | undefined {
    return this.tasks.get(`${frameworkId}/${taskId}`);
  }

  tasksOf(frameworkId: string): SimTask[] {
    return [...this.tasks.values()].filter((t) => t.frameworkId === frameworkId);
  }

  liveTasksOn(agentId: string): SimTask[] {
    return [...this.tasks.values()].filter((t) => t.agentId === agentId && !TERMINAL.has(t.state));
  }

  /** Starts a validated task: fetch, then run its command; updates follow. */
  launch(frameworkId: string, info: TaskInfo): SimTask {
    const sandbox = path.join(this.sandboxRoot, frameworkId, info.task_id.value.replace(/[^A-Za-z0-9_.-]/g, '_'), crypto.randomUUID());
    fs.mkdirSync(sandbox, { recursive: true });
    const status: TaskStatus = { task_id: info.task_id, state: 'TASK_STAGING', agent_id: info.agent_id, source: 'SOURCE_MASTER' };
    const task: SimTask = {
      frameworkId,
      info,
      agentId: info.agent_id.value,
      resources: amountsOf(info.resources),
      state: 'TASK_STAGING',
      latest: status,
      queue: [],
      retryDelayMs: this.retry.initial,
      killRequested: false,
      sandbox,
    };
    this.tasks.set(`${frameworkId}/${info.task_id.value}`, task);
    void this.run(task);
    return task;
  }

  /** KILL: SIGTERM, then SIGKILL after the grace period. A task not started yet ends KILLED at once. */
  kill(task: SimTask, graceMs = 3000): void {
    if (TERMINAL.has(task.state) || task.killRequested) return;
    task.killRequested = true;
    if (!task.child) {
      this.update(task, 'TASK_KILLED', 'SOURCE_AGENT', 'REASON_TASK_KILLED_DURING_LAUNCH', 'Killed before the command started');
      return;
    }
    task.child.kill('SIGTERM');
    setTimeout(() => task.child?.kill('SIGKILL'), graceMs).unref();
  }

  /** ACKNOWLEDGE of the front update: drop it and send the next one. False if it matches nothing. */
  acknowledge(frameworkId: string, taskId: string, uuid: string): boolean {
    const task = this.task(frameworkId, taskId);
    const front = task?.queue[0];
    if (!task || !front || front.uuid !== uuid) return false;
    task.queue.shift();
    clearTimeout(task.retryTimer);
    task.retryDelayMs = this.retry.initial;
    if (task.queue.length) this.deliver(task);
    return true;
  }

  /** Resend every framework's pending front updates now (a (re)subscription, a new leader). */
  resendPending(frameworkId: string): void {
    for (const t of this.tasksOf(frameworkId)) if (t.queue.length) this.deliver(t);
  }

  /** Kills (SIGKILL) every process and removes the sandboxes. */
  async stop(): Promise<void> {
    this.stopped = true;
    const exits: Promise<unknown>[] = [];
    for (const t of this.tasks.values()) {
      clearTimeout(t.retryTimer);
      if (t.child && t.child.exitCode === null && t.child.signalCode === null) {
        exits.push(new Promise((r) => t.child!.once('exit', r)));
        t.child.kill('SIGKILL');
      }
    }
    await Promise.all(exits);
    fs.rmSync(this.sandboxRoot, { recursive: true, force: true });
  }

  /** Queues a reliably delivered update (fresh uuid), sending it if it is the front one. */
  update(task: SimTask, state: TaskState, source: TaskStatus['source'], reason?: string, message?: string): void {
    if (TERMINAL.has(task.state)) return;
    task.state = state;
    const status: TaskStatus = {
      task_id: task.info.task_id,
      state,
      source,
      agent_id: task.info.agent_id,
      timestamp: Date.now() / 1000,
      uuid: crypto.randomBytes(16).toString('base64'),
    };
    if (reason) status.reason = reason;
    if (message) status.message = message;
    task.latest = status;
    task.queue.push(status);
    if (task.queue.length === 1) this.deliver(task);
  }

  private deliver(task: SimTask): void {
    clearTimeout(task.retryTimer);
    if (this.stopped) return;
    const front = task.queue[0];
    if (!front) return;
    this.leader?.forwardUpdate(task.frameworkId, front);
    // Resent until acknowledged, with backoff, as the agent's status update manager does.
    task.retryTimer = setTimeout(() => {
      task.retryDelayMs = Math.min(task.retryDelayMs * 2, this.retry.max);
      this.deliver(task);
    }, task.retryDelayMs);
    task.retryTimer.unref();
  }

  private async fetch(uri: NonNullable<CommandInfo['uris']>[number], sandbox: string): Promise<void> {
    if (!uri.cache) return fetchUri(uri, sandbox);
    // Keyed by the URI's path, not host:port: the drivers of one test run serve the same
    // content-hashed package from different ports.
    const key = new URL(uri.value, 'file:///').pathname;
    let cached = fetcherCache.get(key);
    if (!cached) {
      const dir = fs.mkdtempSync(path.join(fetcherCacheRoot(), 'entry-'));
      cached = fetchUri(uri, dir).then(() => dir);
      cached.catch(() => fetcherCache.delete(key));
      fetcherCache.set(key, cached);
    }
    await run('cp', ['-al', `${await cached}/.`, sandbox]);
  }

  private async run(task: SimTask): Promise<void> {
    let command = task.info.command as CommandInfo;
    try {
      for (const uri of command.uris ?? []) await this.fetch(uri, task.sandbox);
    } catch (e) {
      this.update(task, 'TASK_FAILED', 'SOURCE_AGENT', 'REASON_CONTAINER_LAUNCH_FAILED', `Failed to fetch URIs: ${(e as Error).message}`);
      return;
    }
    if (task.killRequested || this.stopped) return;
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      MESOS_SANDBOX: task.sandbox,
      MESOS_DIRECTORY: task.sandbox,
      MESOS_TASK_ID: task.info.task_id.value,
      MESOS_AGENT_ID: task.agentId,
      MESOS_FRAMEWORK_ID: task.frameworkId,
    };
    for (const v of command.environment?.variables ?? []) {
      env[v.name] = 'secret' in v ? Buffer.from(v.secret.value.data, 'base64').toString('utf8') : v.value;
    }
    const out = fs.openSync(path.join(task.sandbox, 'stdout'), 'a');
    const err = fs.openSync(path.join(task.sandbox, 'stderr'), 'a');
    if (this.agents.get(task.agentId)?.broken) command = { ...command, shell: true, value: 'echo "sh: node: not found" >&2; exit 127' };
    const argv = command.shell === false ? [command.value!, (command.arguments ?? []).slice(1)] : ['/bin/sh', ['-c', command.value ?? '']];
    const child = spawn(argv[0] as string, argv[1] as string[], { cwd: task.sandbox, env, stdio: ['ignore', out, err] });
    fs.closeSync(out);
    fs.closeSync(err);
    task.child = child;
    task.pid = child.pid;
    this.update(task, 'TASK_STARTING', 'SOURCE_EXECUTOR');
    child.once('spawn', () => this.update(task, 'TASK_RUNNING', 'SOURCE_EXECUTOR'));
    child.once('error', (e) => this.update(task, 'TASK_FAILED', 'SOURCE_EXECUTOR', 'REASON_COMMAND_EXECUTOR_FAILED', `Failed to launch: ${e.message}`));
    child.once('exit', (code, signal) => {
      if (task.killRequested) {
        this.update(task, 'TASK_KILLED', 'SOURCE_EXECUTOR', undefined, `Command terminated with signal ${signal ?? 'none'} (exit ${code})`);
      } else if (signal) {
        this.update(task, 'TASK_FAILED', 'SOURCE_EXECUTOR', 'REASON_COMMAND_EXECUTOR_FAILED', `Command terminated with signal ${signal}`);
      } else if (code === 0) {
        this.update(task, 'TASK_FINISHED', 'SOURCE_EXECUTOR', undefined, 'Command exited with status 0');
      } else {
        this.update(task, 'TASK_FAILED', 'SOURCE_EXECUTOR', 'REASON_COMMAND_EXECUTOR_FAILED', `Command exited with status ${code}`);
      }
    });
  }
}

/**
 * The agents' fetcher cache (URI.cache): one download and one extraction per URI for the whole
 * test process, hard-linked into each sandbox (Mesos extracts from its cached archive into each
 * sandbox; linking an extracted copy is the same tree, much faster on a loaded machine).
 */
const fetcherCache = new Map<string, Promise<string>>();
let cacheRoot: string | undefined;
function fetcherCacheRoot(): string {
  if (!cacheRoot) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-mesos-fetcher-cache-'));
    cacheRoot = root;
    process.once('exit', () => fs.rmSync(root, { recursive: true, force: true }));
  }
  return cacheRoot;
}

/** Runs a command without blocking the event loop (the simulated master shares this process). */
function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, (e, _out, err) => (e ? reject(new Error(`${command} ${args.join(' ')}: ${err || e.message}`)) : resolve()));
  });
}

const FETCHER_STALL_TIMEOUT_MS = 60_000;

/** The Mesos fetcher, for http:// and local paths: download into the sandbox, extract archives. */
async function fetchUri(uri: NonNullable<CommandInfo['uris']>[number], sandbox: string): Promise<void> {
  const name = uri.output_file ?? path.basename(new URL(uri.value, 'file:///').pathname);
  if (!name || name.includes('..')) throw new Error(`bad URI file name in ${uri.value}`);
  const target = path.join(sandbox, name);
  if (/^https?:\/\//.test(uri.value)) {
    await new Promise<void>((resolve, reject) => {
      http
        .get(uri.value, (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            return reject(new Error(`GET ${uri.value} answered ${res.statusCode}`));
          }
          const file = fs.createWriteStream(target);
          // The agent's --fetcher_stall_timeout (1 min): a download without progress fails the task.
          res.setTimeout(FETCHER_STALL_TIMEOUT_MS, () => res.destroy(new Error(`download of ${uri.value} stalled`)));
          res.on('error', reject);
          res.pipe(file);
          file.on('finish', () => resolve());
          file.on('error', reject);
        })
        .on('error', reject);
    });
  } else {
    fs.copyFileSync(uri.value, target);
  }
  if (uri.executable) fs.chmodSync(target, 0o755);
  else if (uri.extract !== false && /\.(tgz|tar\.gz|tar)$/.test(name)) await run('tar', ['-xf', target, '-C', sandbox]);
}
