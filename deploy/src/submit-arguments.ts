import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, IllegalArgumentError } from '@kindling/core';
import { validateMasterUrl } from './master-url.js';
import { loadPropertiesFile } from './properties-file.js';

/** Application files kindling-submit can run (all through tsx, so no build step is needed). */
export const APP_EXTENSIONS: readonly string[] = ['.js', '.mjs', '.ts', '.mts'];

/** The options as the command line gave them, before precedence and validation. */
export interface SubmitOptions {
  master?: string;
  name?: string;
  /** Every `--conf k=v`, in order; a later one wins. */
  conf?: string[];
  propertiesFile?: string;
  verbose?: boolean;
}

/** What kindling-submit launches, fully resolved. */
export interface SubmitArguments {
  /** Absent when neither --master nor kindling.master was given: the app falls back to local[*]. */
  master?: string;
  name: string;
  /** Only `kindling.*` keys; includes kindling.app.root. */
  conf: Record<string, string>;
  /** Absolute path of the application file. */
  appPath: string;
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
   * The caller's environment (default: process.env). Like spark-submit's MASTER variable, an
   * inherited KINDLING_MASTER is the last fallback for the master, and an inherited KINDLING_CONF
   * has the lowest precedence of all configuration sources.
   */
  env?: NodeJS.ProcessEnv;
}

/** Thrown when no application file was given; the CLI prints the usage after the message. */
export class MissingAppError extends IllegalArgumentError {
  constructor() {
    super(`Must specify a primary resource (a ${APP_EXTENSIONS.slice(0, -1).join(', ')} or ${APP_EXTENSIONS.at(-1)} application file)`);
  }
}

/**
 * Applies spark-submit's rules: flags > --conf > properties file > inherited conf, non-Kindling
 * keys dropped with a warning, master URL shape checked, name defaulting to the app's base name,
 * and kindling.app.root set to the app's directory so executors resolve its modules from there.
 */
export function resolveSubmitArguments(
  app: string | undefined,
  appArgs: readonly string[],
  options: SubmitOptions,
  context: ResolveContext = {},
): SubmitArguments {
  const cwd = context.cwd ?? process.cwd();
  const warn = context.warn ?? ((m: string) => process.stderr.write(`${m}\n`));
  if (app === undefined || app === '') throw new MissingAppError();
  // Like spark-submit, a malformed --master fails before anything else is looked at.
  if (options.master !== undefined) validateMasterUrl(options.master);
  const appPath = checkAppFile(path.resolve(cwd, app));

  const propertiesFile = options.propertiesFile === undefined ? undefined : path.resolve(cwd, options.propertiesFile);
  const fromFile = propertiesFile === undefined ? {} : loadPropertiesFile(propertiesFile);
  const fromFlags = Object.fromEntries((options.conf ?? []).map(parseConfPair));
  const env = context.env ?? process.env;
  const conf = kindlingOnly({ ...inheritedConf(env), ...fromFile, ...fromFlags }, warn);

  const master = options.master ?? conf['kindling.master'] ?? (env['KINDLING_MASTER'] || undefined);
  if (master !== undefined) validateMasterUrl(master);
  const name = options.name ?? conf['kindling.app.name'] ?? path.basename(appPath, path.extname(appPath));
  if (name.trim() === '') throw new IllegalArgumentError('--name must not be empty');
  conf['kindling.app.root'] ??= path.dirname(appPath);

  const out: SubmitArguments = { name, conf, appPath, appArgs: [...appArgs], verbose: options.verbose ?? false };
  if (master !== undefined) out.master = master;
  if (propertiesFile !== undefined) out.propertiesFile = propertiesFile;
  return out;
}

/** `k=v` from --conf; the value may itself contain '='. */
export function parseConfPair(arg: string): [string, string] {
  const eq = arg.indexOf('=');
  if (eq < 0) throw new ConfigError(`Kindling config without '=': ${arg}`);
  const key = arg.slice(0, eq).trim();
  if (key === '') throw new ConfigError(`Kindling config without a key: ${arg}`);
  return [key, arg.slice(eq + 1)];
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

/** Keeps kindling.* keys; the app's KindlingConf would reject the others anyway. */
function kindlingOnly(conf: Record<string, string>, warn: (m: string) => void): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(conf)) {
    if (k.startsWith('kindling.')) out[k] = v;
    else warn(`Warning: Ignoring non-Kindling config property: ${k}`);
  }
  return out;
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
