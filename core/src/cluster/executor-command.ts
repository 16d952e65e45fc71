import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { KindlingConf } from '../conf/kindling-conf.js';
import { ConfigError } from '../errors.js';
import type { ExecutorAppSource } from '../packaging/app-package.js';

/** The `kindling-executor` bin, relative to a @kindling/core package directory. */
const EXECUTOR_BIN = 'bin/kindling-executor.js';

/** Absolute path of the `kindling-executor` entry point in this installation of @kindling/core. */
export function executorEntryPoint(): string {
  return fileURLToPath(new URL(`../../${EXECUTOR_BIN}`, import.meta.url));
}

/** The entry point inside an unpacked application package: executors run the Kindling version the driver runs. */
export function packagedExecutorEntryPoint(appRoot: string): string {
  return path.join(appRoot, 'node_modules', '@kindling', 'core', ...EXECUTOR_BIN.split('/'));
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
  /** Where the executor gets the application's code; without it, from kindling.app.root on this machine. */
  appSource?: ExecutorAppSource;
  /** The Node binary (kindling.executor.node); default `node` from the executor host's PATH. */
  node?: string;
  /** Extra environment variables (kindling.executorEnv.NAME=value). */
  env?: Record<string, string>;
}

/** The command line and environment that start one executor; every launcher uses this. */
export function executorCommand(o: ExecutorCommandOptions): { command: string; args: string[]; env: Record<string, string> } {
  const source = o.appSource;
  const node = source?.kind === 'unpacked' ? relocateNodeOptions(o.nodeOptions ?? [], source.appRoot) : [...(o.nodeOptions ?? [])];
  if (o.memoryMiB) node.push(`--max-old-space-size=${o.memoryMiB}`);
  const entry = source?.kind === 'unpacked' ? packagedExecutorEntryPoint(source.appRoot) : executorEntryPoint();
  const args = [
    ...node,
    entry,
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
  if (source?.kind === 'driver') args.push('--app-hash', source.hash, '--package-dir', source.packageDir);
  if (source?.kind === 'unpacked') args.push('--app-root', source.appRoot);
  const env: Record<string, string> = { ...(o.env ?? {}) };
  if (o.secret) env['KINDLING_AUTH_SECRET'] = o.secret;
  return { command: o.node ?? 'node', args, env };
}

const ENV_PREFIX = 'kindling.executorEnv.';

/** kindling.executorEnv.NAME=value entries as an environment (Spark's spark.executorEnv.*). */
export function executorEnvFromConf(conf: KindlingConf): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(conf.toRecord())) {
    if (!key.startsWith(ENV_PREFIX)) continue;
    const name = key.slice(ENV_PREFIX.length);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new ConfigError(`${key}: '${name}' is not a valid environment variable name (letters, digits and '_', not starting with a digit)`);
    }
    env[name] = value;
  }
  return env;
}

/** kindling.executor.node, else `fallback` (a launcher on the driver's machine passes process.execPath). */
export function executorNodeFromConf(conf: KindlingConf, fallback = 'node'): string {
  const node = conf.get('kindling.executor.node')?.trim();
  if (node === '') throw new ConfigError('kindling.executor.node is empty; set it to a Node binary (a path, or a name on PATH)');
  return node ?? fallback;
}

const MODULE_FLAGS = new Set(['--import', '--require', '--loader']);

/**
 * The driver's module-loader flags (e.g. kindling-submit's tsx preload) name files on the driver's
 * machine. For an executor that runs from an unpacked package, possibly on another host, a file
 * that is not here is taken from the package's own node_modules (the same package and path
 * below its last node_modules/); one with no such counterpart is dropped, since it would stop
 * the executor from starting at all.
 */
export function relocateNodeOptions(options: readonly string[], appRoot: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < options.length; i++) {
    const flag = options[i]!;
    const joined = /^(--import|--require|--loader)=(.*)$/.exec(flag);
    if (!MODULE_FLAGS.has(flag) && !joined) {
      out.push(flag);
      continue;
    }
    const name = joined ? joined[1]! : flag;
    const value = joined ? joined[2]! : options[++i];
    if (value === undefined) continue;
    const relocated = relocateModule(value, appRoot);
    if (relocated !== undefined) out.push(name, relocated);
  }
  return out;
}

function relocateModule(specifier: string, appRoot: string): string | undefined {
  let file: string;
  if (specifier.startsWith('file:')) file = fileURLToPath(specifier);
  else if (path.isAbsolute(specifier)) file = specifier;
  else return specifier; // a package name: resolved from the executor's own node_modules
  if (fs.existsSync(file)) return specifier;
  const marker = `${path.sep}node_modules${path.sep}`;
  const at = file.lastIndexOf(marker);
  if (at < 0) return undefined;
  const inPackage = path.join(appRoot, 'node_modules', file.slice(at + marker.length));
  return specifier.startsWith('file:') ? pathToFileURL(inPackage).href : inPackage;
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
