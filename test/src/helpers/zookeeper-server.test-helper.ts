import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * A real, throw-away ZooKeeper server for tests: Debian's `zookeeper` package (3.8), started in the
 * foreground on 127.0.0.1 with a free port and a temp data dir (see /work/shared/reference/zookeeper.md).
 * `.ci/run` installs the package; tests call `zooKeeperAvailable()` and skip with the reason if not.
 */
export interface ZooKeeperServer {
  /** `127.0.0.1:<port>`, what ZooKeeper clients take. */
  readonly connectString: string;
  readonly port: number;
  readonly dataDir: string;
  /** SIGTERM (SIGKILL after 5 s), then removes the data dir. Idempotent. */
  stop(): Promise<void>;
}

/** Debian installs the server jar here; its manifest Class-Path names every dependency jar. */
const SERVER_JAR = '/usr/share/java/zookeeper.jar';
const MAIN_CLASS = 'org.apache.zookeeper.server.ZooKeeperServerMain';
const JAVA = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';

/** Whether Debian's `zookeeper` package jars are present (install: `apt-get install -y zookeeper`). */
export function zooKeeperAvailable(): boolean {
  return fs.existsSync(SERVER_JAR);
}

/** Why ZooKeeper tests skip, for `this.skip()` messages. */
export const ZOOKEEPER_UNAVAILABLE_REASON = `ZooKeeper is not installed (${SERVER_JAR} missing): run 'apt-get update && apt-get install -y zookeeper' (.ci/run does)`;

/** Starts a real ZooKeeper on 127.0.0.1 at a free port and waits until `ruok` answers `imok`. */
export async function startZooKeeper(): Promise<ZooKeeperServer> {
  if (!zooKeeperAvailable()) throw new Error(ZOOKEEPER_UNAVAILABLE_REASON);
  // clientPort=0 is not allowed, so probe a free port; retry if another process takes it first.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      return await startOn(port);
    } catch (e) {
      lastError = e;
    }
  }
  throw lastError;
}

async function startOn(port: number): Promise<ZooKeeperServer> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-zk-'));
  const dataDir = path.join(root, 'data');
  fs.mkdirSync(dataDir);
  const cfg = path.join(root, 'zoo.cfg');
  fs.writeFileSync(
    cfg,
    [
      'tickTime=2000',
      `dataDir=${dataDir}`,
      `clientPort=${port}`,
      'clientPortAddress=127.0.0.1',
      'admin.enableServer=false', // else it opens an AdminServer on 8080
      '4lw.commands.whitelist=ruok,stat', // 3.5+ disables four-letter words by default
      'maxSessionTimeout=60000',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(JAVA, ['-Xmx128m', '-cp', SERVER_JAR, MAIN_CLASS, cfg], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      if (!gone) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(root, { recursive: true, force: true });
    })());

  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (gone) {
      await stop();
      throw new Error(`ZooKeeper exited before it answered ruok on port ${port}: ${stderr.trim()}`);
    }
    if ((await fourLetterWord(port, 'ruok').catch(() => '')) === 'imok') {
      return { connectString: `127.0.0.1:${port}`, port, dataDir, stop };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`ZooKeeper did not answer ruok with imok on 127.0.0.1:${port} within 30 s: ${stderr.trim()}`);
}

function fourLetterWord(port: number, word: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let answer = '';
    socket.setTimeout(2000, () => socket.destroy(new Error('timeout')));
    socket.on('connect', () => socket.write(word));
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('end', () => resolve(answer.trim()));
    socket.on('error', reject);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Mocha hooks: a real ZooKeeper for the enclosing describe block, started in before() and stopped
 * in after(); the block skips, saying why, when Debian's zookeeper is not installed.
 */
export function useZooKeeper(): { readonly server: ZooKeeperServer } {
  let server: ZooKeeperServer | undefined;
  before(async function () {
    if (!zooKeeperAvailable()) {
      console.warn(`    skipped: ${ZOOKEEPER_UNAVAILABLE_REASON}`);
      this.skip();
    }
    this.timeout(60_000);
    server = await startZooKeeper();
  });
  after(async () => server?.stop());
  return {
    get server(): ZooKeeperServer {
      if (!server) throw new Error('ZooKeeper is only available inside tests');
      return server;
    },
  };
}
