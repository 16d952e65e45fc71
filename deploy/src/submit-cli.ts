import { Command, CommanderError, Option } from 'commander';
import { KindlingError } from '@kindling/core';
import { buildLaunchCommand, formatCommand, type LaunchCommand } from './launch-command.js';
import { launch } from './submit.js';
import { MissingAppError, resolveSubmitArguments, type SubmitArguments, type SubmitOptions } from './submit-arguments.js';

/** Where the CLI writes and what it launches with; tests replace them. */
export interface SubmitIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Starts the app and resolves with its exit code (default: launch()). */
  launch: (cmd: LaunchCommand, args: SubmitArguments) => Promise<number>;
}

const DESCRIPTION = 'Launch a Kindling application: runs the app file (JavaScript or TypeScript, no build step) with its driver configured from these options.';

const AFTER_HELP = `
Precedence: options set in the application's code > flags (--master, --name) > --conf > --properties-file.
Only kindling.* properties are passed on; others are ignored with a warning.
With no master the application's default applies (local[*]).

Examples:
  kindling-submit --master 'local[4]' examples/wordcount.ts input.txt out/
  kindling-submit --conf kindling.task.maxFailures=2 --properties-file app.conf app.js --app-flag`;

/** The commander program; options after the app file belong to the app, not to kindling-submit. */
export function createSubmitCommand(io: Pick<SubmitIo, 'stdout' | 'stderr'>): Command {
  return new Command('kindling-submit')
    .usage('[options] <app.(js|mjs|ts|mts)> [app arguments]')
    .description(DESCRIPTION)
    .option('--master <url>', 'local, local[N], local[*], local-cluster[...], spark://host:port, yarn, mesos://..., k8s://...')
    .option('--name <name>', 'application name (default: the app file name without extension)')
    .addOption(new Option('-c, --conf <key=value>', 'a kindling.* property; repeatable').argParser(collect))
    .option('--properties-file <file>', 'file of extra properties: "key value" or "key=value" lines, # comments')
    .option('-v, --verbose', 'print the resolved master, name, properties and command')
    .helpOption('-h, --help', 'show this help')
    .argument('[app]', 'the application file: .js, .mjs, .ts or .mts')
    .argument('[args...]', 'arguments passed to the application untouched')
    .passThroughOptions()
    .allowExcessArguments()
    .addHelpText('after', AFTER_HELP)
    .showHelpAfterError('(run kindling-submit --help for usage)')
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
    ...overrides,
  };
  const program = createSubmitCommand(io);
  try {
    program.parse([...argv], { from: 'user' });
  } catch (e) {
    // Commander already printed help or its own error message.
    if (e instanceof CommanderError) return e.exitCode;
    throw e;
  }
  const [app, ...appArgs] = program.args;
  try {
    const args = resolveSubmitArguments(app, appArgs, program.opts<SubmitOptions>(), {
      cwd: io.cwd,
      env: io.env,
      warn: (m) => io.stderr(`${m}\n`),
    });
    const cmd = buildLaunchCommand(args, io.env);
    if (args.verbose) io.stderr(describe(args, cmd));
    return await io.launch(cmd, args);
  } catch (e) {
    if (!KindlingError.is(e)) throw e;
    io.stderr(`Error: ${e.message}\n`);
    if (e instanceof MissingAppError) io.stderr(`\n${program.helpInformation()}`);
    return 1;
  }
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** What --verbose prints, like spark-submit's "Parsed arguments" and properties dump. */
function describe(args: SubmitArguments, cmd: LaunchCommand): string {
  const lines = [
    'Parsed arguments:',
    `  master          ${args.master ?? '(not set: the application decides, local[*] by default)'}`,
    `  name            ${args.name}`,
    `  propertiesFile  ${args.propertiesFile ?? '(none)'}`,
    `  appFile         ${args.appPath}`,
    `  appArguments    [${args.appArgs.join(', ')}]`,
    'Kindling properties:',
    ...Object.keys(args.conf)
      .sort()
      .map((k) => `  ${k}=${args.conf[k]}`),
    `Command: ${formatCommand(cmd)}`,
    '',
  ];
  return lines.join('\n');
}
