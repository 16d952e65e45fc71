import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** cluster-managers/yarn/minicluster: the Maven project of the MiniYARNCluster launcher. */
export const MINICLUSTER_DIR = fileURLToPath(new URL('../../minicluster/', import.meta.url));
const CLASSPATH = path.join(MINICLUSTER_DIR, 'target', 'classpath.txt');
const CLASSES = path.join(MINICLUSTER_DIR, 'target', 'classes');

export interface MiniYarnCluster {
  /** HADOOP_CONF_DIR holding the live yarn-site.xml (real ephemeral ports). */
  readonly confDir: string;
  readonly workDir: string;
  stop(): Promise<void>;
}

/** Why the real-YARN tests cannot run here, or undefined when they can (building the launcher if needed). */
export function miniYarnUnavailable(): string | undefined {
  for (const tool of ['java', 'mvn']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed (the MiniYARNCluster needs a JDK 17 and Maven; .ci/run installs them)`;
    }
  }
  if (!fs.existsSync(CLASSPATH) || !fs.existsSync(CLASSES)) {
    try {
      execFileSync('mvn', ['-q', '-B', 'package', 'dependency:build-classpath', `-Dmdep.outputFile=${CLASSPATH}`], { cwd: MINICLUSTER_DIR, stdio: 'inherit', timeout: 10 * 60_000 });
    } catch (e) {
      return `building the MiniYARNCluster launcher with Maven failed (needs Maven Central): ${(e as Error).message}`;
    }
  }
  return undefined;
}

/** Starts 1 RM + 1 NM on loopback (ephemeral ports) and waits until it wrote its yarn-site.xml. */
export async function startMiniYarn(workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-miniyarn-')), timeoutMs = 120_000): Promise<MiniYarnCluster> {
  fs.mkdirSync(workDir, { recursive: true });
  const confDir = path.join(workDir, 'conf');
  const log = fs.openSync(path.join(workDir, 'minicluster.log'), 'w');
  const child: ChildProcess = spawn('java', ['-Xmx768m', '-cp', `${CLASSES}:${fs.readFileSync(CLASSPATH, 'utf8').trim()}`, 'kindling.MiniYarn', confDir], {
    cwd: workDir, // MiniYARNCluster deletes and reuses ./target/<name>
    stdio: ['ignore', log, log],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(path.join(confDir, 'ready'))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      const tail = fs.readFileSync(path.join(workDir, 'minicluster.log'), 'utf8').split('\n').slice(-30).join('\n');
      throw new Error(`MiniYARNCluster did not start (see ${workDir}/minicluster.log):\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    confDir,
    workDir,
    async stop() {
      child.kill('SIGTERM'); // the shutdown hook stops the NM, which kills its containers
      const t = setTimeout(() => child.kill('SIGKILL'), 40_000);
      await exited;
      clearTimeout(t);
      fs.closeSync(log);
      if (process.env['KINDLING_YARN_IT_KEEP'] !== '1') fs.rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** Executor processes running in this cluster's containers (their cwd is under its work dir), by executor id. */
export function containerExecutors(cluster: { workDir: string }): Map<string, number> {
  const out = new Map<string, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (!args.some((a) => a.endsWith('/executor-main.js') || a.endsWith('/kindling-executor.js'))) continue;
      if (!fs.readlinkSync(`/proc/${entry}/cwd`).startsWith(cluster.workDir)) continue;
      const id = args[args.indexOf('--executor-id') + 1];
      if (id) out.set(id, Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** Small containers that fit the MiniYARNCluster's one 4 GiB NodeManager: AM + 2 executors, fast heartbeats. */
export function miniYarnConf(confDir: string): Record<string, string> {
  return {
    'kindling.yarn.confDir': confDir,
    'kindling.executor.instances': '2',
    'kindling.executor.memory': '200m',
    'kindling.executor.memoryOverhead': '128m',
    'kindling.yarn.am.memory': '128m',
    'kindling.yarn.am.memoryOverhead': '128m',
    'kindling.yarn.scheduler.heartbeat.interval-ms': '500ms',
  };
}
