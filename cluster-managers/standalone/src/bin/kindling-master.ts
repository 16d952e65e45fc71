/**
 * kindling-master [--host H] [--port 7077] [--webui-port 8080] [--properties-file F] [--conf k=v]...
 * Binds 127.0.0.1 unless --host is given. The secret (kindling.authenticate=true) comes from
 * kindling.authenticate.secret in the properties file or KINDLING_AUTH_SECRET.
 */
import { Command } from 'commander';
import { collect, daemonConf, parsePort, stopOnSignals } from '../daemon-conf.js';
import { Master } from '../master.js';

const log = (m: string) => process.stderr.write(`[master] ${new Date().toISOString()} ${m}\n`);

async function main(): Promise<void> {
  const program = new Command('kindling-master')
    .description('Kindling standalone master')
    .option('--host <host>', 'address to bind (default 127.0.0.1; 0.0.0.0 for every interface)', '127.0.0.1')
    .option('--port <port>', 'RPC port', '7077')
    .option('--webui-port <port>', 'web UI port', '8080')
    .option('--properties-file <file>', 'kindling.* properties (spark-defaults.conf format)')
    .option('--conf <key=value>', 'a kindling.* setting (repeatable)', collect, [])
    .showHelpAfterError()
    .parse();
  const o = program.opts<{ host: string; port: string; webuiPort: string; propertiesFile?: string; conf: string[] }>();
  const conf = daemonConf(o.propertiesFile, o.conf);
  const master = await Master.start({ host: o.host, port: parsePort(o.port, '--port'), webUiPort: parsePort(o.webuiPort, '--webui-port'),
    conf,
    log,
    // Spark's master exits when it loses leadership; a supervisor (systemd) restarts it as a standby.
    onLeadershipLost: () => process.exit(1),
  });
  // Tests and scripts read the bound address from this line.
  process.stdout.write(`kindling-master listening at ${master.url} (web UI ${master.webUiUrl})\n`);
  stopOnSignals(() => master.stop(), log);
}

main().catch((e: Error) => {
  process.stderr.write(`kindling-master: ${e.message}\n`);
  process.exit(1);
});
