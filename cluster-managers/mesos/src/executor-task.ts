/**
 * The Mesos task that runs one executor: a CommandInfo task (Mesos' built-in command executor)
 * whose process is `kindling-executor` calling back to the driver, as Spark's coarse-grained
 * backend does. The fetcher downloads `uris` into the sandbox first; the work directory is the
 * sandbox. The RPC secret travels as a SECRET environment variable, which agents resolve and
 * masters do not show in their endpoints, never on the command line.
 */
import { executorCommand, inheritedNodeOptions } from '@kindling/core/cluster-manager';
import type { CommandInfo, EnvironmentVariable, Offer, Resource, TaskInfo } from './mesos-types.js';

export interface ExecutorTaskOptions {
  executorId: string;
  offer: Offer;
  resources: Resource[];
  cores: number;
  driverUrl: string;
  appId: string;
  memoryMiB: number;
  secret?: string;
  /** Fetched into the sandbox before the command runs (the app package, kindling.mesos.uris). */
  uris: string[];
  /** The app package is among the URIs: the fetcher unpacks it into the sandbox, the executor runs from there. */
  packaged: boolean;
  /** kindling.executor.node: the Node binary on the agents. */
  node: string;
  /** kindling.executorEnv.*. */
  env: Record<string, string>;
}

const SANDBOX = '\u0000sandbox\u0000';

export function executorTask(o: ExecutorTaskOptions): TaskInfo {
  const { command, args } = executorCommand({
    driverUrl: o.driverUrl,
    executorId: o.executorId,
    hostname: o.offer.hostname,
    cores: o.cores,
    appId: o.appId,
    workDir: SANDBOX,
    memoryMiB: o.memoryMiB,
    nodeOptions: inheritedNodeOptions(),
    node: o.node,
    // The sandbox is the unpacked package's root; the executor runs the Kindling inside it.
    appSource: o.packaged ? { kind: 'unpacked', appRoot: SANDBOX } : undefined,
  });
  // `exec` so the executor is the task's process (signals and exit status reach Mesos directly).
  const line = ['exec', command, ...args].map(withSandbox).join(' ');
  const variables: EnvironmentVariable[] = Object.entries(o.env).map(([name, value]) => ({ name, value }));
  if (o.secret) {
    variables.push({
      name: 'KINDLING_AUTH_SECRET',
      type: 'SECRET',
      secret: { type: 'VALUE', value: { data: Buffer.from(o.secret, 'utf8').toString('base64') } },
    });
  }
  const info: CommandInfo = {
    shell: true,
    value: line,
    // The package URI names its content hash, so the agents' fetcher cache can keep it safely.
    uris: o.uris.map((value) => ({ value, extract: true, cache: true })),
  };
  if (variables.length) info.environment = { variables };
  return {
    name: `kindling-executor ${o.executorId}`,
    task_id: { value: o.executorId },
    agent_id: o.offer.agent_id,
    resources: o.resources,
    command: info,
    labels: { labels: [{ key: 'kindling.app.id', value: o.appId }] },
  };
}

/** Quotes an argument, with the sandbox placeholder turned into the agent's $MESOS_SANDBOX. */
function withSandbox(arg: string): string {
  return arg
    .split(SANDBOX)
    .map((part) => (part ? shellQuote(part) : ''))
    .join('"${MESOS_SANDBOX:-$PWD}"');
}

/** POSIX single-quoting: safe for any byte except NUL. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
