import { fileURLToPath } from 'node:url';

/** Absolute path of the `kindling-executor` entry point in this installation of @kindling/core. */
export function executorEntryPoint(): string {
  return fileURLToPath(new URL('../executor/executor-main.js', import.meta.url));
}

export interface ExecutorCommandOptions {
  driverUrl: string;
  executorId: string;
  hostname: string;
  cores: number;
  appId: string;
  workDir: string;
  /** Heap size for the executor process (kindling.executor.memory), in MiB. */
  memoryMiB?: number;
  /** Shared secret, passed in the environment only. */
  secret?: string;
  /** Extra Node flags, e.g. the driver's `--import tsx` so executors can load TypeScript modules. */
  nodeOptions?: string[];
}

/** The command line and environment that start one executor; every launcher uses this. */
export function executorCommand(o: ExecutorCommandOptions): { command: string; args: string[]; env: Record<string, string> } {
  const node = [...(o.nodeOptions ?? [])];
  if (o.memoryMiB) node.push(`--max-old-space-size=${o.memoryMiB}`);
  const args = [
    ...node,
    executorEntryPoint(),
    '--driver-url',
    o.driverUrl,
    '--executor-id',
    o.executorId,
    '--hostname',
    o.hostname,
    '--cores',
    String(o.cores),
    '--app-id',
    o.appId,
    '--work-dir',
    o.workDir,
  ];
  const env: Record<string, string> = {};
  if (o.secret) env['KINDLING_AUTH_SECRET'] = o.secret;
  return { command: process.execPath, args, env };
}

/** Node flags of this process worth passing on to executors: module loaders such as tsx. */
export function inheritedNodeOptions(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if ((a === '--import' || a === '--require' || a === '--loader' || a === '--conditions') && argv[i + 1]) {
      out.push(a, argv[++i]!);
    } else if (/^--(import|require|loader|conditions|enable-source-maps)/.test(a)) {
      out.push(a);
    }
  }
  return out;
}
