import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KindlingContext } from '@kindling/core';
import { executorCommand } from '@kindling/core/cluster-manager';
import { connectRpc } from '@kindling/core/internal/rpc/connect-rpc';
import { executorPid, executorProcesses } from '../helpers/executor-processes.js';

/** Runs a stray executor process against a driver and returns its exit code and stderr. */
function strayExecutor(driverUrl: string, executorId: string, secret?: string): Promise<{ code: number | null; stderr: string }> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-stray-'));
  const { command, args, env } = executorCommand({ driverUrl, executorId, hostname: 'localhost', cores: 1, appId: 'stray', workDir, secret, node: process.execPath });
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      fs.rmSync(workDir, { recursive: true, force: true });
      resolve({ code, stderr });
    }),
  );
}

describe('executor handshake on local-cluster', function () {
  this.timeout(60_000);

  it('refuses a second executor that registers with an id already in use', async () => {
    const kc = await KindlingContext.create({ master: 'local-cluster[1,1,256]' });
    try {
      const [first] = executorProcesses();
      const stray = await strayExecutor(first!.driverUrl, first!.executorId);
      expect(stray.code).to.equal(1);
      expect(stray.stderr).to.contain(`Duplicate executor ID: ${first!.executorId}`);
      expect(kc.executorInfos().map((e) => e.executorId)).to.deep.equal([first!.executorId]);
      expect(await kc.parallelize([1, 2, 3], 3).count()).to.equal(3);
    } finally {
      await kc.stop();
    }
  });

  it('with kindling.authenticate, runs jobs with the right secret and drops an executor with a wrong one', async () => {
    const kc = await KindlingContext.create({
      master: 'local-cluster[1,1,256]',
      conf: { 'kindling.authenticate': 'true', 'kindling.authenticate.secret': 'correct horse battery staple' },
    });
    try {
      expect(
        (await kc.parallelize(['a', 'b', 'a'], 2).map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b).collect()).sort(),
      ).to.deep.equal([['a', 2], ['b', 1]]);
      const [first] = executorProcesses();
      expect(first!.args.join(' ')).to.not.contain('correct horse', 'the secret is never on a command line');
      const stray = await strayExecutor(first!.driverUrl, 'intruder', 'wrong secret');
      expect(stray.code).to.equal(1);
      expect(stray.stderr).to.match(/Authentication failed/);
      // An authenticated peer receives the app config, but never the secret itself.
      const [, host, port] = /^kindling:\/\/(.+):(\d+)$/.exec(first!.driverUrl)!;
      const conn = await connectRpc({ host: host!, port: Number(port), secret: 'correct horse battery staple' });
      const config = await conn.ask('retrieveAppConfig', { executorId: 'probe' });
      conn.close();
      expect(config.payload['entries']).to.have.property('kindling.authenticate', 'true');
      expect(config.payload['entries']).to.not.have.property('kindling.authenticate.secret');
      const none = await strayExecutor(first!.driverUrl, 'anonymous');
      expect(none.code).to.equal(1);
      expect(kc.executorInfos().map((e) => e.executorId)).to.deep.equal([first!.executorId]);
    } finally {
      await kc.stop();
    }
  });

  it('removes an executor whose heartbeats stop, with the reason', async () => {
    const kc = await KindlingContext.create({
      master: 'local-cluster[2,1,256]',
      conf: { 'kindling.executor.heartbeatInterval': '100ms', 'kindling.network.timeout': '1s' },
    });
    const removed: string[] = [];
    kc.addListener({ onExecutorRemoved: (e) => removed.push(`${e.executorId}: ${e.reason}`) });
    const pid = executorPid('1');
    try {
      process.kill(pid, 'SIGSTOP');
      const deadline = Date.now() + 10_000;
      while (removed.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(removed).to.have.length(1);
      expect(removed[0]).to.match(/^1: Executor heartbeat timed out after \d+ ms$/);
      expect(await kc.parallelize([1, 2, 3, 4], 2).count()).to.equal(4);
    } finally {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // already gone
      }
      await kc.stop();
    }
  });
});
