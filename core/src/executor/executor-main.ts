/**
 * `kindling-executor`: the executor process every cluster manager launches.
 *   kindling-executor --driver-url kindling://host:port --executor-id 1 --hostname h --cores 2
 *                     --app-id app-1 --work-dir /tmp/work
 *                     [--app-hash H --package-dir D | --app-root R]
 * With --app-hash it first fetches the application package from the driver into D/H (once per
 * host), then hands over to the Kindling inside that package, so executors run the version the
 * driver runs. The shared secret, if any, comes in KINDLING_AUTH_SECRET, never on the command line.
 * The bin shim (bin/kindling-executor.js) calls runExecutorMain.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { fetchAppPackage } from '../packaging/fetch-app-package.js';
import { CoarseGrainedExecutorBackend, type ExecutorProcessArgs } from './coarse-grained-executor-backend.js';

interface ParsedArgs extends ExecutorProcessArgs {
  appHash?: string;
  packageDir?: string;
}

function parse(argv: string[]): ParsedArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      'driver-url': { type: 'string' },
      'executor-id': { type: 'string' },
      hostname: { type: 'string' },
      cores: { type: 'string' },
      'app-id': { type: 'string' },
      'work-dir': { type: 'string' },
      'app-hash': { type: 'string' },
      'package-dir': { type: 'string' },
      'app-root': { type: 'string' },
    },
    strict: true,
  });
  const missing = ['driver-url', 'executor-id', 'hostname', 'cores', 'app-id', 'work-dir'].filter(
    (k) => values[k as keyof typeof values] === undefined,
  );
  if (missing.length > 0) throw new Error(`Missing required option(s): ${missing.map((m) => `--${m}`).join(', ')}`);
  const cores = Number(values.cores);
  if (!Number.isInteger(cores) || cores < 1) throw new Error(`--cores must be a positive integer, got '${values.cores}'`);
  if ((values['app-hash'] === undefined) !== (values['package-dir'] === undefined)) {
    throw new Error('--app-hash and --package-dir go together');
  }
  if (values['app-hash'] !== undefined && values['app-root'] !== undefined) throw new Error('Give either --app-hash or --app-root, not both');
  return {
    driverUrl: values['driver-url']!,
    executorId: values['executor-id']!,
    hostname: values.hostname!,
    cores,
    appId: values['app-id']!,
    workDir: values['work-dir']!,
    appRoot: values['app-root'],
    appHash: values['app-hash'],
    packageDir: values['package-dir'],
  };
}

/** Runs an executor until the driver stops it, then exits the process. */
export async function runExecutorMain(argv: string[]): Promise<void> {
  let args: ParsedArgs;
  try {
    args = parse(argv);
  } catch (e) {
    process.stderr.write(`kindling-executor: ${(e as Error).message}\n`);
    process.exit(2);
  }
  if (args.appHash !== undefined) {
    let root: string;
    try {
      root = await fetchAppPackage({
        driverUrl: args.driverUrl,
        hash: args.appHash,
        packageDir: args.packageDir!,
        secret: process.env['KINDLING_AUTH_SECRET'],
      });
    } catch (e) {
      process.stderr.write(`kindling-executor ${args.executorId}: cannot get the application package: ${(e as Error).message}\n`);
      process.exit(1);
    }
    const rest = argv.filter((_, i) => !['--app-hash', '--package-dir'].includes(argv[i]!) && !['--app-hash', '--package-dir'].includes(argv[i - 1]!));
    const packaged = path.join(root, 'node_modules', '@kindling', 'core', 'dist', 'executor', 'executor-main.js');
    if (fs.existsSync(packaged) && fs.realpathSync(packaged) !== fs.realpathSync(fileURLToPath(import.meta.url))) {
      const inner = (await import(pathToFileURL(packaged).href)) as { runExecutorMain(argv: string[]): Promise<void> };
      return inner.runExecutorMain([...rest, '--app-root', root]);
    }
    args = { ...args, appRoot: root };
  }
  const backend = new CoarseGrainedExecutorBackend(args);
  const stop = () => void backend.shutdown(0, 'received a stop signal');
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    await backend.run();
  } catch (e) {
    process.stderr.write(`kindling-executor ${args.executorId}: ${(e as Error).stack ?? e}\n`);
    await backend.shutdown(1, undefined);
  }
  process.exit(await backend.exited);
}
