import { parseMemoryMiB } from '@kindling/core/cluster-manager';
import type { SubmitArguments } from './submit-arguments.js';
import { DEPLOY_MODE_KEY } from './submit-options.js';

/** A child process to start: the Node binary, its arguments and its full environment. */
export interface LaunchCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/**
 * The preload that lets Node run TypeScript (tsx) on the driver and on executor threads. It is
 * given as an absolute file URL so the app can live anywhere, outside this package's tree too.
 */
export const TSX_PRELOAD_URL: string = new URL('./tsx-preload.js', import.meta.url).href;

export const SECRET_KEY = 'kindling.authenticate.secret';
/** The variable core's rpc-settings reads the secret from (never a command line: `ps` shows those). */
export const SECRET_ENV = 'KINDLING_AUTH_SECRET';
/** Tells the driver's preload which fd is its lifeline to kindling-submit (see submitter-lifeline.ts). */
export const LIFELINE_ENV = 'KINDLING_SUBMIT_LIFELINE_FD';
export const LIFELINE_FD = 3;

/** Defaults that kindling-submit shows but does not pass: the app's own defaults are the same. */
const IMPLIED_DEFAULTS = new Set(['kindling.master', DEPLOY_MODE_KEY]);

/**
 * The kindling.* values the application receives, without the secret: everything resolved except
 * the implied defaults, so an app that sets kindling.master in code is not overridden by local[*].
 */
export function childConf(args: SubmitArguments): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, e] of args.settings.entries()) {
    if (k === SECRET_KEY) continue;
    if (e.source.kind === 'default' && IMPLIED_DEFAULTS.has(k)) continue;
    out[k] = e.value;
  }
  return out;
}

/**
 * The environment variables KindlingContext.create reads: KINDLING_MASTER (only when a master
 * was chosen, so the app's own local[*] fallback applies otherwise), KINDLING_APP_NAME,
 * KINDLING_CONF, and KINDLING_AUTH_SECRET when a secret was configured.
 */
export function submitEnvironment(args: SubmitArguments): Record<string, string> {
  const env: Record<string, string> = {
    KINDLING_APP_NAME: args.name,
    KINDLING_CONF: JSON.stringify(childConf(args)),
  };
  if (args.settings.entry('kindling.master')?.source.kind !== 'default') env['KINDLING_MASTER'] = args.master;
  const secret = args.settings.get(SECRET_KEY);
  if (secret !== undefined) env[SECRET_ENV] = secret;
  return env;
}

/** `node [--max-old-space-size] --import <tsx preload> app args...` with `baseEnv` extended by submitEnvironment. */
export function buildLaunchCommand(
  args: SubmitArguments,
  baseEnv: NodeJS.ProcessEnv = process.env,
  execPath: string = process.execPath,
): LaunchCommand {
  if (args.appPath === undefined) throw new Error('buildLaunchCommand needs an application file');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(baseEnv)) if (v !== undefined) env[k] = v;
  // resolveSubmitArguments already folded an inherited KINDLING_MASTER in; drop an empty one.
  delete env['KINDLING_MASTER'];
  Object.assign(env, submitEnvironment(args));
  env[LIFELINE_ENV] = String(LIFELINE_FD);
  const node: string[] = [];
  // In client mode --driver-memory sizes this driver's heap, as it sizes spark-submit's JVM.
  const memory = args.settings.get('kindling.driver.memory');
  if (memory !== undefined) node.push(`--max-old-space-size=${parseMemoryMiB(memory)}`);
  return { command: execPath, args: [...node, '--import', TSX_PRELOAD_URL, args.appPath, ...args.appArgs], env };
}

/** The command as a shell-like line, for --verbose. */
export function formatCommand(cmd: LaunchCommand): string {
  return [cmd.command, ...cmd.args].map(shellQuote).join(' ');
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
