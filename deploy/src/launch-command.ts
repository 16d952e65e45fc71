import type { SubmitArguments } from './submit-arguments.js';

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

/**
 * The environment variables KindlingContext.create reads: KINDLING_MASTER (only when a master
 * was chosen, so the app's own local[*] fallback applies otherwise), KINDLING_APP_NAME and
 * KINDLING_CONF.
 */
export function submitEnvironment(args: SubmitArguments): Record<string, string> {
  const env: Record<string, string> = {
    KINDLING_APP_NAME: args.name,
    KINDLING_CONF: JSON.stringify(args.conf),
  };
  if (args.master !== undefined) env['KINDLING_MASTER'] = args.master;
  return env;
}

/** `node --import <tsx preload> app args...` with `baseEnv` extended by submitEnvironment. */
export function buildLaunchCommand(
  args: SubmitArguments,
  baseEnv: NodeJS.ProcessEnv = process.env,
  execPath: string = process.execPath,
): LaunchCommand {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(baseEnv)) if (v !== undefined) env[k] = v;
  // resolveSubmitArguments already folded an inherited KINDLING_MASTER in; drop an empty one.
  delete env['KINDLING_MASTER'];
  Object.assign(env, submitEnvironment(args));
  return { command: execPath, args: ['--import', TSX_PRELOAD_URL, args.appPath, ...args.appArgs], env };
}

/** The command as a shell-like line, for --verbose. */
export function formatCommand(cmd: LaunchCommand): string {
  return [cmd.command, ...cmd.args].map(shellQuote).join(' ');
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

