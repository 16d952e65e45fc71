import { expect } from 'chai';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KindlingContext } from '@kindling/core';

const driverScript = fileURLToPath(new URL('../../testdata/standing-driver.mjs', import.meta.url));

function childPids(parent: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(parent)], { encoding: 'utf8' })
      .split('\n')
      .map((l) => Number(l.trim()))
      .filter((n) => n > 0);
  } catch {
    return []; // ps exits 1 when there are none
  }
}

/** Running, not a zombie: the frozen driver cannot reap its children, so they stay as zombies. */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function startDriver(localDir: string, timeout: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [driverScript, localDir, timeout], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('READY 4')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`driver exited with ${code} before it was ready: ${err}`)));
  });
  return child;
}

const localClusterDirs = (root: string) => fs.readdirSync(root).filter((n) => n.startsWith('kindling-local-cluster-'));

describe('executors and a driver that stops answering', function () {
  this.timeout(120_000);
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-liveness-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('a frozen driver (SIGSTOP) makes its executors exit after kindling.network.timeout', async () => {
    const driver = await startDriver(root, '3s');
    const executors = childPids(driver.pid!);
    expect(executors).to.have.length(2);
    const frozenAt = Date.now();
    process.kill(driver.pid!, 'SIGSTOP');
    try {
      while (executors.some(alive) && Date.now() - frozenAt < 60_000) await new Promise((r) => setTimeout(r, 100));
      const elapsed = Date.now() - frozenAt;
      expect(executors.filter(alive), 'executors still running').to.deep.equal([]);
      expect(elapsed).to.be.at.least(2000, 'they waited for the timeout, not less');
      expect(elapsed).to.be.below(30_000);
    } finally {
      driver.kill('SIGKILL'); // a kill -9: the driver's temp dir stays behind
      await new Promise((r) => driver.once('exit', r));
    }
  });

  it('the next start removes what a kill -9 left behind, and nothing of its own after stop()', async () => {
    expect(localClusterDirs(root)).to.have.length(1, 'the killed driver left its directory');
    const kc = await KindlingContext.create({ master: 'local-cluster[1,1,256]', conf: { 'kindling.local.dir': root } });
    try {
      const dirs = localClusterDirs(root);
      expect(dirs).to.have.length(1, 'only the live app has one');
      const owner = JSON.parse(fs.readFileSync(path.join(root, dirs[0]!, '.kindling-owner'), 'utf8')) as { pid: number };
      expect(owner.pid).to.equal(process.pid);
    } finally {
      await kc.stop();
    }
    expect(localClusterDirs(root)).to.deep.equal([]);
  });
});
