import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, IllegalArgumentError } from '@kindling/core';
import { SourcedConf, type ConfSource } from './conf-sources.js';
import { validateMasterUrl } from './master-url.js';
import { loadPropertiesFile } from './properties-file.js';
import { CONFIG_FLAGS, DEPLOY_MODE_KEY } from './submit-options.js';
import { SubmitUsageError, validateSubmit } from './submit-validation.js';

/** Application files kindling-submit can run (all through tsx, so no build step is needed). */
export const APP_EXTENSIONS: readonly string[] = ['.js', '.mjs', '.ts', '.mts'];

/** The properties file read when --properties-file is not given, from KINDLING_CONF_DIR. */
export const DEFAULTS_FILE_NAME = 'kindling-defaults.conf';

/** The options as the command line gave them (commander's attributes), before precedence and validation. */
export interface SubmitOptions {
  master?: string;
  deployMode?: string;
  name?: string;
  /** Every `--conf k=v`, in order; a later one wins. */
  conf?: string[];
  propertiesFile?: string;
  driverMemory?: string;
  driverCores?: string;
  executorMemory?: string;
  executorCores?: string;
  numExecutors?: string;
  totalExecutorCores?: string;
  queue?: string;
  supervise?: boolean;
  files?: string;
  archives?: string;
  kill?: string;
  status?: string;
  verbose?: boolean;
}

export type SubmitAction = 'submit' | 'kill' | 'status';

/** What kindling-submit does, fully resolved and validated. */
export interface SubmitArguments {
  action: SubmitAction;
  /** For --kill and --status. */
  submissionId?: string;
  /** The effective master, local[*] when none was given (see `settings` for where it came from). */
  master: string;
  deployMode: 'client' | 'cluster';
  name: string;
  /** Every effective kindling.* value with its source, defaults included. */
  settings: SourcedConf;
  /** Absolute path of the application file (absent for --kill and --status). */
  appPath?: string;
  /** Passed to the application untouched. */
  appArgs: string[];
  verbose: boolean;
  /** Absolute path of the properties file, when one was read. */
  propertiesFile?: string;
}

export interface ResolveContext {
  /** Relative app and properties-file paths resolve against this (default: process.cwd()). */
  cwd?: string;
  /** Receives warnings such as dropped non-Kindling keys (default: stderr). */
  warn?: (message: string) => void;
  /**
   * The caller's environment (default: process.env): KINDLING_CONF_DIR locates kindling-defaults.conf;
   * KINDLING_MASTER, KINDLING_DEPLOY_MODE, KINDLING_DRIVER_MEMORY, KINDLING_EXECUTOR_MEMORY,
   * KINDLING_EXECUTOR_CORES and an inherited KINDLING_CONF (JSON) rank below the properties file,
   * as spark-submit's MASTER, DEPLOY_MODE, SPARK_*_MEMORY do.
   */
  env?: NodeJS.ProcessEnv;
}

/** Thrown when no application file was given; the CLI prints the usage after the message. */
export class MissingAppError extends SubmitUsageError {
  constructor() {
    super(`Must specify a primary resource (a ${APP_EXTENSIONS.slice(0, -1).join(', ')} or ${APP_EXTENSIONS.at(-1)} application file)`);
  }
}

/**
 * Applies spark-submit's rules: flags > --conf > properties file > environment > defaults,
 * non-Kindling keys dropped with a warning, every value and combination validated (see
 * submit-validation.ts), the name defaulting to the app's base name, and kindling.app.root set to
 * the app's directory so executors resolve its modules from there.
 */
export function resolveSubmitArguments(
  app: string | undefined,
  appArgs: readonly string[],
  options: SubmitOptions,
  context: ResolveContext = {},
): SubmitArguments {
  const cwd = context.cwd ?? process.cwd();
  const warn = context.warn ?? ((m: string) => process.stderr.write(`${m}\n`));
  const env = context.env ?? process.env;
  const action = actionOf(options);
  // Like spark-submit, a malformed --master fails before anything else is looked at.
  if (options.master !== undefined) validateMasterUrl(options.master);

  let appPath: string | undefined;
  if (action === 'submit') {
    if (app === undefined || app === '') throw new MissingAppError();
    appPath = checkAppFile(path.resolve(cwd, app));
  }

  const settings = new SourcedConf();
  const kindlingOnly = (key: string) => {
    if (key.startsWith('kindling.')) return true;
    warn(`Warning: Ignoring non-Kindling config property: ${key}`);
    return false;
  };
  const def: ConfSource = { kind: 'default' };
  settings.set('kindling.master', 'local[*]', def);
  settings.set(DEPLOY_MODE_KEY, 'client', def);
  if (appPath !== undefined) {
    settings.set('kindling.app.name', path.basename(appPath, path.extname(appPath)), def);
    settings.set('kindling.app.root', path.dirname(appPath), def);
  }

  for (const [k, v] of Object.entries(inheritedConf(env))) {
    if (kindlingOnly(k)) settings.set(k, v, { kind: 'environment', variable: 'KINDLING_CONF' });
  }
  for (const f of CONFIG_FLAGS) {
    const v = f.env === undefined ? undefined : env[f.env];
    if (v) settings.set(f.key, v, { kind: 'environment', variable: f.env! });
  }

  const propertiesFile = propertiesFileOf(options, cwd, env);
  if (propertiesFile !== undefined) {
    for (const [k, v] of Object.entries(loadPropertiesFile(propertiesFile))) {
      if (kindlingOnly(k)) settings.set(k, v, { kind: 'properties-file', file: propertiesFile });
    }
  }
  for (const [k, v] of (options.conf ?? []).map(parseConfPair)) {
    if (kindlingOnly(k)) settings.set(k, v, { kind: 'conf' });
  }
  const given = options as Record<string, unknown>;
  for (const f of CONFIG_FLAGS) {
    const v = given[f.attr];
    if (v === undefined || v === false) continue;
    settings.set(f.key, f.kind === 'boolean' ? 'true' : String(v), { kind: 'flag', flag: f.flag });
  }

  for (const key of SHIPPED_LIST_KEYS) absolutePaths(settings, key, cwd);
  const validated = validateSubmit(settings, action);
  const out: SubmitArguments = {
    action,
    ...validated,
    settings,
    appArgs: [...appArgs],
    verbose: options.verbose ?? false,
  };
  if (action !== 'submit') out.submissionId = (action === 'kill' ? options.kill : options.status)!;
  if (appPath !== undefined) out.appPath = appPath;
  if (propertiesFile !== undefined) out.propertiesFile = propertiesFile;
  return out;
}

/** The comma lists of local paths kindling-submit resolves against its working directory, as spark-submit's resolveURIs. */
const SHIPPED_LIST_KEYS = ['kindling.files', 'kindling.archives'];

/**
 * Makes each relative entry of a --files/--archives list absolute (keeping a `#name` alias and
 * `scheme://` entries as they are), and refuses one that does not exist, naming the entry.
 */
function absolutePaths(settings: SourcedConf, key: string, cwd: string): void {
  const entry = settings.entry(key);
  if (!entry) return;
  const resolved = entry.value.split(',').map((raw) => {
    const spec = raw.trim();
    if (spec === '' || /^[a-z][a-z0-9+.-]*:/i.test(spec)) return spec;
    const hashAt = spec.lastIndexOf('#');
    const file = hashAt > 0 ? spec.slice(0, hashAt) : spec;
    const abs = path.resolve(cwd, file);
    if (!fs.existsSync(abs)) {
      const from = entry.source.kind === 'flag' ? entry.source.flag : key;
      throw new SubmitUsageError(`${from} entry '${spec}': ${abs} does not exist; give an existing file (relative paths are taken from ${cwd})`);
    }
    return abs + (hashAt > 0 ? spec.slice(hashAt) : '');
  });
  settings.set(key, resolved.join(','), entry.source);
}

/** `k=v` from --conf; the value may itself contain '='. */
export function parseConfPair(arg: string): [string, string] {
  const eq = arg.indexOf('=');
  if (eq < 0) throw new ConfigError(`Kindling config without '=': ${arg}; write --conf key=value`);
  const key = arg.slice(0, eq).trim();
  if (key === '') throw new ConfigError(`Kindling config without a key: ${arg}; write --conf key=value`);
  return [key, arg.slice(eq + 1)];
}

function actionOf(options: SubmitOptions): SubmitAction {
  const kill = options.kill !== undefined;
  const status = options.status !== undefined;
  if (kill && status) throw new SubmitUsageError('Action cannot be both --kill and --status; give one of them');
  if (kill && options.kill!.trim() === '') throw new SubmitUsageError('Please specify a submission to kill.');
  if (status && options.status!.trim() === '') throw new SubmitUsageError('Please specify a submission to request status for.');
  return kill ? 'kill' : status ? 'status' : 'submit';
}

/** --properties-file, else kindling-defaults.conf in KINDLING_CONF_DIR when it exists (as spark-defaults.conf). */
function propertiesFileOf(options: SubmitOptions, cwd: string, env: NodeJS.ProcessEnv): string | undefined {
  if (options.propertiesFile !== undefined) return path.resolve(cwd, options.propertiesFile);
  const dir = env['KINDLING_CONF_DIR'];
  if (!dir) return undefined;
  const file = path.resolve(cwd, dir, DEFAULTS_FILE_NAME);
  return fs.existsSync(file) ? file : undefined;
}

function inheritedConf(env: NodeJS.ProcessEnv): Record<string, string> {
  const raw = env['KINDLING_CONF'];
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError('KINDLING_CONF in the environment must be a JSON object of kindling.* keys; unset it or fix it');
  }
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
}

function checkAppFile(abs: string): string {
  const ext = path.extname(abs);
  if (!APP_EXTENSIONS.includes(ext)) {
    throw new IllegalArgumentError(
      `Cannot run application file ${abs}: unsupported extension '${ext}'; expected one of ${APP_EXTENSIONS.join(', ')}`,
    );
  }
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch {
    throw new IllegalArgumentError(`Application file ${abs} does not exist`);
  }
  if (!stat.isFile()) throw new IllegalArgumentError(`Application file ${abs} is not a file`);
  return abs;
}
