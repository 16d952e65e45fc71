import * as fs from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { KindlingError } from '@kindling/core';
import { packApplicationForCluster } from './app-packer.js';
import { runClusterAction, type AppPacker } from './cluster-deploy.js';
import { buildLaunchCommand, SECRET_ENV, SECRET_KEY, type LaunchCommand } from './launch-command.js';
import { checkMasterIsUsable } from './master-check.js';
import { launch } from './submit.js';
import { MissingAppError, resolveSubmitArguments, type SubmitArguments, type SubmitOptions } from './submit-arguments.js';
import { CONFIG_FLAGS } from './submit-options.js';
import { verboseReport } from './verbose-report.js';

/** Where the CLI writes and what it launches with; tests replace them. */
export interface SubmitIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Starts the app and resolves with its exit code (default: launch()). */
  launch: (cmd: LaunchCommand, args: SubmitArguments) => Promise<number>;
  /** Builds the application package for cluster deploy mode. */
  packApp: AppPacker;
}

const USAGE_HINT = "Run 'kindling-submit --help' for usage.\n";

const DESCRIPTION =
  'Launch a Kindling application: runs the app file (JavaScript or TypeScript, no build step) with its driver ' +
  'configured from these options, or asks a cluster to run it (--deploy-mode cluster).';

const AFTER_HELP = `
Usage:
  kindling-submit [options] <app file> [app arguments]
  kindling-submit --kill <submission ID> --master <url>
  kindling-submit --status <submission ID> --master <url>

Precedence: values set in the application's code > flags > --conf > properties file >
environment (KINDLING_MASTER, KINDLING_DEPLOY_MODE, KINDLING_DRIVER_MEMORY, KINDLING_EXECUTOR_MEMORY,
KINDLING_EXECUTOR_CORES, KINDLING_CONF) > defaults. --verbose shows where each value came from.
The properties file defaults to kindling-defaults.conf in KINDLING_CONF_DIR.
Only kindling.* properties are passed on; others are ignored with a warning.
Never pass kindling.authenticate.secret with --conf (ps shows command lines): set KINDLING_AUTH_SECRET
or kindling.authenticate.secret.file instead.

Examples:
  kindling-submit --master 'local[4]' examples/wordcount.ts input.txt out/
  kindling-submit --master 'local-cluster[2,1,512]' --executor-memory 512m app.ts
  kindling-submit --conf kindling.task.maxFailures=2 --properties-file app.conf app.js --app-flag`;

/** The commander program; options after the app file belong to the app, not to kindling-submit. */
export function createSubmitCommand(io: Pick<SubmitIo, 'stdout' | 'stderr'>): Command {
  const program = new Command('kindling-submit')
    .usage('[options] <app.(js|mjs|ts|mts)> [app arguments]')
    .description(DESCRIPTION);
  for (const f of CONFIG_FLAGS) {
    program.addOption(new Option(f.placeholder ? `${f.flag} ${f.placeholder}` : f.flag, f.help));
  }
  return program
    .addOption(new Option('-c, --conf <key=value>', 'a kindling.* property; repeatable').argParser(collect))
    .option('--properties-file <file>', 'file of extra properties: "key value" or "key=value" lines, # comments (default: $KINDLING_CONF_DIR/kindling-defaults.conf)')
    .option('--kill <submission ID>', 'kill the driver submitted in cluster deploy mode with this ID (needs --master)')
    .option('--status <submission ID>', 'print the state of the driver submitted with this ID (needs --master)')
    .option('-v, --verbose', 'print the effective configuration, where each value came from, and the command')
    .version(packageVersion(), '--version', 'print the version of kindling-submit')
    .helpOption('-h, --help', 'show this help')
    .argument('[app]', 'the application file: .js, .mjs, .ts or .mts')
    .argument('[args...]', 'arguments passed to the application untouched')
    .passThroughOptions()
    .allowExcessArguments()
    .addHelpText('after', AFTER_HELP)
    .showHelpAfterError(USAGE_HINT.trimEnd())
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
}

/** Runs kindling-submit with `argv` (without node and script) and resolves with the exit code. */
export async function runSubmitCli(argv: readonly string[], overrides: Partial<SubmitIo> = {}): Promise<number> {
  const io: SubmitIo = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    launch: (cmd) => launch(cmd),
    packApp: packApplicationForCluster,
    ...overrides,
  };
  const program = createSubmitCommand(io);
  try {
    program.parse([...argv], { from: 'user' });
  } catch (e) {
    // Commander already printed help, the version, or its own error message with the hint.
    if (e instanceof CommanderError) return e.exitCode;
    throw e;
  }
  const [app, ...appArgs] = program.args;
  let args: SubmitArguments;
  try {
    args = resolveSubmitArguments(app, appArgs, program.opts<SubmitOptions>(), {
      cwd: io.cwd,
      env: io.env,
      warn: (m) => io.stderr(`${m}\n`),
    });
  } catch (e) {
    if (!KindlingError.is(e)) throw e;
    io.stderr(`Error: ${e.message}\n`);
    io.stderr(e instanceof MissingAppError ? `\n${program.helpInformation()}` : USAGE_HINT);
    return 1;
  }
  if (args.settings.entry(SECRET_KEY)?.source.kind === 'conf') {
    io.stderr(`Warning: ${SECRET_KEY} given with --conf is visible to other users in ps; set ${SECRET_ENV} or kindling.authenticate.secret.file instead\n`);
  }
  try {
    if (args.action !== 'submit' || args.deployMode === 'cluster') {
      if (args.verbose) io.stderr(verboseReport(args));
      return await runClusterAction(args, io);
    }
    await checkMasterIsUsable(args);
    const cmd = buildLaunchCommand(args, io.env);
    if (args.verbose) io.stderr(verboseReport(args, cmd));
    return await io.launch(cmd, args);
  } catch (e) {
    // One clear line, never a stack trace (unless --verbose asks for detail).
    io.stderr(`Error: ${(e as Error)?.message ?? String(e)}\n`);
    if (args.verbose && e instanceof Error && e.stack) io.stderr(`${e.stack}\n`);
    return 1;
  }
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** This package's version, from its package.json (dist/submit-cli.js → ../package.json). */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return `kindling-submit ${pkg.version ?? 'unknown'} (Node ${process.version})`;
  } catch {
    return `kindling-submit (Node ${process.version})`;
  }
}
