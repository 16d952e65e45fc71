import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KindlingContext } from '@kindling/core';
import { isAlive, masterState, startCluster, waitFor, type TestCluster } from './standalone-cluster.test-helper.js';

// One cluster for the whole file, with a short worker timeout so dead-worker tests are quick.
const CONF = { 'kindling.worker.timeout': '3s' };
const APP_CONF = { 'kindling.executor.cores': '1', 'kindling.executor.memory': '256m' };

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];

describe('standalone cluster end to end (real master and workers)', function () {
  this.timeout(120_000);
  let cluster: TestCluster;
  let dataDir: string;

  before(async () => {
    cluster = await startCluster({ workers: 2, conf: CONF });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-standalone-data-'));
  });
  after(async () => {
    await cluster?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const create = (conf: Record<string, string> = {}) =>
    KindlingContext.create({ master: cluster.masterUrl, appName: 'standalone-e2e <b>&', conf: { ...APP_CONF, ...conf } });

  it('spreads an app over both workers, keeps executor logs in the work dir, and frees the resources at the end', async () => {
    const kc = await create();
    let appId: string;
    let executorIds: string[];
    try {
      await waitFor(() => kc.executorInfos().length === 4, 30_000, '4 executors (2 workers x 2 cores)');
      const state = await masterState(cluster.masterUrl);
      expect(state.aliveworkers).to.equal(2);
      expect(state.coresused).to.equal(4);
      expect(state.workers.map((w) => w.coresused)).to.deep.equal([2, 2]);
      expect(state.activeapps).to.have.length(1);
      appId = state.activeapps[0]!.id;
      expect(appId).to.match(/^app-\d{14}-\d{4}$/);
      expect(state.activeapps[0]!.name).to.equal('standalone-e2e <b>&');
      expect(await kc.parallelize([1, 2, 3, 4, 5, 6, 7, 8], 8).map((x) => x * 2).reduce((a, b) => a + b)).to.equal(72);
      executorIds = kc.executorInfos().map((e) => e.executorId);
    } finally {
      await kc.stop();
    }
    const after = await masterState(cluster.masterUrl);
    expect(after.coresused).to.equal(0);
    expect(after.activeapps).to.have.length(0);
    expect(after.completedapps.map((a) => [a.id, a.state])).to.deep.include([appId, 'FINISHED']);
    // Each executor's stdout and stderr stay in <work-dir>/<app-id>/<executor-id>/ (scratch files are gone).
    const logs = new Map(
      fs.readdirSync(cluster.workDir).flatMap((w) => {
        const dir = path.join(cluster.workDir, w, appId);
        return fs.existsSync(dir) ? fs.readdirSync(dir).map((e) => [e, path.join(dir, e)] as const) : [];
      }),
    );
    expect(executorIds).to.have.length(4);
    for (const id of executorIds) expect(fs.readdirSync(logs.get(id)!).sort(), `executor ${id}`).to.deep.equal(['stderr', 'stdout']);
  });

  it('runs word count in client mode', async () => {
    const input = path.join(dataDir, 'words.txt');
    const lines = Array.from({ length: 500 }, (_, i) => `${WORDS[i % 8]} ${WORDS[(i * 3) % 8]} ${WORDS[(i * 5) % 7]}`);
    fs.writeFileSync(input, lines.join('\n') + '\n');
    const expected = new Map<string, number>();
    for (const w of lines.join(' ').split(' ')) expected.set(w, (expected.get(w) ?? 0) + 1);
    const kc = await create();
    try {
      const counts = await kc
        .textFile(input, 4)
        .flatMap((l) => l.split(' '))
        .map((w) => [w, 1] as [string, number])
        .reduceByKey((a, b) => a + b, 3)
        .collect();
      expect(new Map(counts)).to.deep.equal(expected);
    } finally {
      await kc.stop();
    }
  });

  it('stops the executors of a driver that dies (kill -9) and frees its cores', async () => {
    const script = fileURLToPath(new URL('../testdata/doomed-driver.mjs', import.meta.url));
    const driver = spawn(process.execPath, [script, cluster.masterUrl], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      driver.stdout!.on('data', (b: Buffer) => b.toString().includes('READY') && resolve());
      driver.once('exit', (code) => reject(new Error(`driver exited early (${code})`)));
    });
    const pids = cluster.executors().map((e) => e.pid);
    expect(pids.length).to.be.greaterThan(0);
    driver.kill('SIGKILL');
    await waitFor(() => pids.every((p) => !isAlive(p)), 30_000, 'the dead driver\'s executors to stop');
    await waitFor(async () => (await masterState(cluster.masterUrl)).coresused === 0, 10_000, 'its cores to return');
    const state = await masterState(cluster.masterUrl);
    expect(state.completedapps.find((a) => a.name === 'doomed')?.state).to.equal('FINISHED');
  });

  it('gets the correct result when a worker is killed with kill -9 during a job, and a new worker joins', async () => {
    const kc = await create();
    try {
      await waitFor(() => kc.executorInfos().length === 4, 30_000, '4 executors');
      const victim = cluster.workers[0]!;
      let killed = false;
      kc.addListener({
        onTaskEnd: () => {
          if (!killed) {
            killed = true;
            victim.child.kill('SIGKILL');
          }
        },
      });
      const result = await kc
        .parallelize(Array.from({ length: 600 }, (_, i) => i), 12)
        .map((x) => {
          const until = Date.now() + 15;
          while (Date.now() < until);
          return [x % 6, x] as [number, number];
        })
        .reduceByKey((a, b) => a + b, 4)
        .collect();
      expect(killed).to.equal(true);
      const expected = Array.from({ length: 6 }, (_, k) => [k, Array.from({ length: 100 }, (_, j) => j * 6 + k).reduce((a, b) => a + b)]);
      expect(result.sort((a, b) => a[0] - b[0])).to.deep.equal(expected);
      const state = await masterState(cluster.masterUrl);
      expect(state.workers.filter((w) => w.state === 'DEAD')).to.have.length(1);
      // Orphans of the killed worker end too: the driver drops executors whose worker is lost.
      await waitFor(() => cluster.executors().every((e) => e.workerPid !== victim.pid), 20_000, 'the lost worker\'s executors to end');
      // A replacement worker joins and the app gets executors on it.
      cluster.workers.splice(0, 1);
      await cluster.addWorker();
      await waitFor(() => kc.executorInfos().length === 4, 30_000, 'executors on the new worker');
    } finally {
      await kc.stop();
    }
  });

  it('declares a silent worker dead after kindling.worker.timeout and takes it back when it returns', async () => {
    const w = cluster.workers[0]!;
    process.kill(w.pid, 'SIGSTOP');
    try {
      await waitFor(async () => (await masterState(cluster.masterUrl)).aliveworkers === 1, 15_000, 'the stopped worker to be declared dead');
    } finally {
      process.kill(w.pid, 'SIGCONT');
    }
    await waitFor(async () => (await masterState(cluster.masterUrl)).aliveworkers === 2, 15_000, 'the worker to re-register');
    expect(w.output()).to.match(/registering again|Registered with master .* as/);
  });

  it('a worker stopped with SIGTERM stops its executors first and leaves no orphan process', async () => {
    const kc = await create();
    try {
      await waitFor(() => kc.executorInfos().length === 4, 30_000, '4 executors');
      const w = cluster.workers[1]!;
      const mine = cluster.executors().filter((e) => e.workerPid === w.pid).map((e) => e.pid);
      expect(mine).to.have.length(2);
      await w.stop();
      expect((await w.exited).code).to.equal(0);
      for (const pid of mine) expect(isAlive(pid), `executor ${pid}`).to.equal(false);
      cluster.workers.splice(1, 1);
      await waitFor(() => kc.executorInfos().length === 2, 20_000, 'the driver to drop the stopped worker\'s executors');
      expect(await kc.parallelize([1, 2, 3], 3).count()).to.equal(3);
      await cluster.addWorker();
    } finally {
      await kc.stop();
    }
  });
});
