/**
 * A real ZooKeeper server for tests (Debian's `zookeeper` package, see
 * /work/shared/reference/zookeeper.md): standalone mode on 127.0.0.1 and a free port, ready once
 * `ruok` answers `imok`. Shared by the standalone (HA) and Mesos (leader detection) suites.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface ZooKeeperServer {
  readonly connectString: string;
  readonly port: number;
  readonly dataDir: string;
  stop(): Promise<void>;
}

const LIB_DIRS = ['/usr/share/zookeeper/lib', '/usr/share/java'];
const MAIN = 'org.apache.zookeeper.server.ZooKeeperServerMain';

/** True when the Debian package's jars (and java) are installed. */
export function zooKeeperAvailable(): boolean {
  const hasJar = LIB_DIRS.some((d) => fs.existsSync(d) && fs.readdirSync(d).some((f) => /^zookeeper(-[0-9.]+)?\.jar$/.test(f)));
  return hasJar && javaPath() !== undefined;
}

function javaPath(): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    const p = path.join(dir, 'java');
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

/** Starts a throw-away server and waits until it answers `ruok` with `imok`. */
export async function startZooKeeper(): Promise<ZooKeeperServer> {
  if (!zooKeeperAvailable()) throw new Error("ZooKeeper is not installed: apt-get install zookeeper (Debian's package)");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-zk-'));
  const port = await freePort();
  const cfg = path.join(dataDir, 'zoo.cfg');
  fs.writeFileSync(
    cfg,
    [`tickTime=2000`, `dataDir=${path.join(dataDir, 'data')}`, `clientPort=${port}`, 'clientPortAddress=127.0.0.1', 'admin.enableServer=false', '4lw.commands.whitelist=ruok,stat', ''].join('\n'),
  );
  const classpath = LIB_DIRS.filter((d) => fs.existsSync(d)).map((d) => `${d}/*`).join(':');
  const child: ChildProcess = spawn(javaPath()!, ['-Xmx256m', '-cp', classpath, MAIN, cfg], { stdio: ['ignore', 'pipe', 'pipe'], cwd: dataDir });
  let output = '';
  child.stdout!.on('data', (b: Buffer) => (output = (output + b.toString()).slice(-8192)));
  child.stderr!.on('data', (b: Buffer) => (output = (output + b.toString()).slice(-8192)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  while ((await fourLetter(port, 'ruok')) !== 'imok') {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`ZooKeeper did not answer ruok on 127.0.0.1:${port} within 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { connectString: `127.0.0.1:${port}`, port, dataDir, stop };
}

function fourLetter(port: number, cmd: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let answer = '';
    socket.setTimeout(2000, () => socket.destroy());
    socket.on('connect', () => socket.write(cmd));
    socket.on('data', (b) => (answer += b.toString()));
    socket.on('close', () => resolve(answer.trim()));
    socket.on('error', () => resolve(''));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}
