/**
 * kindling-worker spark://host:7077[,host2:port2] [--host H] [--cores N] [--memory M] [--work-dir D]
 *                 [--webui-port P] [--properties-file F] [--conf k=v]...
 */
import { Command } from 'commander';
import { ConfigError, parseMemoryMiB } from '@kindling/core/cluster-manager';
import { collect, daemonConf, parsePort, stopOnSignals } from '../daemon-conf.js';
import { parseStandaloneUrl } from '../standalone-master-url.js';
import { Worker } from '../worker.js';

const log = (m: string) => process.stderr.write(`[worker] ${new Date().toISOString()} ${m}\n`);

async function main(): Promise<void> {
  const program = new Command('kindling-worker')
    .description('Kindling standalone worker')
    .argument('<master>', 'master URL, spark://host:port[,host2:port2]')
    .option('--host <host>', 'address executors bind and advertise (default 127.0.0.1)', '127.0.0.1')
    .option('--cores <n>', 'cores to offer (default: all)')
    .option('--memory <mem>', 'memory to offer, e.g. 4g (default: RAM minus 1 GiB)')
    .option('--work-dir <dir>', 'executor logs and scratch files (default ./work)', 'work')
    .option('--webui-port <port>', 'web UI port', '8081')
    .option('--properties-file <file>', 'kindling.* properties (spark-defaults.conf format)')
    .option('--conf <key=value>', 'a kindling.* setting (repeatable)', collect, [])
    .showHelpAfterError()
    .parse();
  const o = program.opts<{ host: string; cores?: string; memory?: string; workDir: string; webuiPort: string; propertiesFile?: string; conf: string[] }>();
  const conf = daemonConf(o.propertiesFile, o.conf);
  let cores: number | undefined;
  if (o.cores !== undefined) {
    cores = Number(o.cores);
    if (!Number.isInteger(cores) || cores < 1) throw new ConfigError(`--cores must be a positive integer, got '${o.cores}'`);
  }
  const memoryMib = o.memory !== undefined ? parseMemoryMiB(o.memory) : undefined;
  const worker = await Worker.start({ masters: parseStandaloneUrl(program.args[0]!), host: o.host, cores, memoryMib, workDir: o.workDir, webUiPort: parsePort(o.webuiPort, '--webui-port'), conf, log });
  process.stdout.write(`kindling-worker ${worker.id} registered with ${worker.master} (web UI ${worker.webUiUrl})\n`);
  stopOnSignals(() => worker.stop(), log);
  const e = await worker.failed;
  log(e.message);
  await worker.stop();
  process.exit(1);
}

main().catch((e: Error) => {
  process.stderr.write(`kindling-worker: ${e.message}\n`);
  process.exit(1);
});
