#!/usr/bin/env node
/**
 * `kindling-executor`: the executor process every cluster manager launches.
 *   kindling-executor --driver-url kindling://host:port --executor-id 1 --hostname h --cores 2
 *                     --app-id app-1 --work-dir /tmp/work
 * The shared secret, if any, comes in KINDLING_AUTH_SECRET, never on the command line.
 */
import { parseArgs } from 'node:util';
import { CoarseGrainedExecutorBackend, type ExecutorProcessArgs } from './coarse-grained-executor-backend.js';

function parse(argv: string[]): ExecutorProcessArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      'driver-url': { type: 'string' },
      'executor-id': { type: 'string' },
      hostname: { type: 'string' },
      cores: { type: 'string' },
      'app-id': { type: 'string' },
      'work-dir': { type: 'string' },
    },
    strict: true,
  });
  const missing = ['driver-url', 'executor-id', 'hostname', 'cores', 'app-id', 'work-dir'].filter(
    (k) => values[k as keyof typeof values] === undefined,
  );
  if (missing.length > 0) throw new Error(`Missing required option(s): ${missing.map((m) => `--${m}`).join(', ')}`);
  const cores = Number(values.cores);
  if (!Number.isInteger(cores) || cores < 1) throw new Error(`--cores must be a positive integer, got '${values.cores}'`);
  return {
    driverUrl: values['driver-url']!,
    executorId: values['executor-id']!,
    hostname: values.hostname!,
    cores,
    appId: values['app-id']!,
    workDir: values['work-dir']!,
  };
}

async function main(): Promise<void> {
  let args: ExecutorProcessArgs;
  try {
    args = parse(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`kindling-executor: ${(e as Error).message}\n`);
    process.exit(2);
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

void main();
