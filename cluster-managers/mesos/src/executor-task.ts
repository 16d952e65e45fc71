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
  });
  // `exec` so the executor is the task's process (signals and exit status reach Mesos directly).
  const line = ['exec', command, ...args].map((a) => (a === SANDBOX ? '"${MESOS_SANDBOX:-$PWD}"' : shellQuote(a))).join(' ');
  const variables: EnvironmentVariable[] = [];
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
    uris: o.uris.map((value) => ({ value, extract: true, cache: false })),
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

/** POSIX single-quoting: safe for any byte except NUL. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
