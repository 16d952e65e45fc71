/**
 * A kill -9 of kindling-submit must not leave its driver (and the driver's executors) running:
 * the driver watches a lifeline pipe to kindling-submit and stops when it reaches end-of-file.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { TESTDATA, runSubmit } from './helpers/submit.js';
import * as path from 'node:path';

/** Executor processes started by the driver `pid` (any state but zombie). */
function executorsOf(pid: number): number[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=,stat=,args=', '--ppid', String(pid)], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when nothing matches
  }
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([p, stat, ...args]) => p && !stat?.startsWith('Z') && args.some((a) => /(executor-main|kindling-executor)\.js$/.test(a)))
    .map(([p]) => Number(p));
}

/** Whether `pid` is still a live process (a zombie waiting for its reaper counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    return stat !== '' && !stat.startsWith('Z');
  } catch {
    return false;
  }
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return cond();
}

describe('kindling-submit kill -9 ends the driver and its executors', function () {
  this.timeout(120_000);
  before(function () {
    if (process.platform === 'win32') this.skip();
  });

  it('no driver or executor process survives a kill -9 of kindling-submit during a local-cluster job', async () => {
    let driverPid = 0;
    let executors: number[] = [];
    let killedAt = 0;
    const run = await runSubmit(['--master', 'local-cluster[2,1,256]', path.join(TESTDATA, 'long-job-app.ts')], {
      onStart: (child) => {
        child.stdout!.on('data', (d: Buffer) => {
          const m = /ready driver-pid=(\d+)/.exec(d.toString());
          if (!m || driverPid) return;
          driverPid = Number(m[1]);
          // The long job has started; its executors are the driver's children.
          void waitFor(() => executorsOf(driverPid).length >= 2, 20_000).then(() => {
            executors = executorsOf(driverPid);
            killedAt = Date.now();
            child.kill('SIGKILL');
          });
        });
      },
    });
    expect(run.signal, run.stderr).to.equal('SIGKILL');
    expect(driverPid).to.be.greaterThan(0);
    expect(executors.length, `executors of the driver: ${executors}`).to.equal(2);
    const gone = await waitFor(() => !alive(driverPid) && executors.every((p) => !alive(p)), 10_000);
    const survivors = [driverPid, ...executors].filter(alive);
    for (const p of survivors) process.kill(p, 'SIGKILL'); // never leave them behind, even on failure
    expect(gone, `still running ${Date.now() - killedAt} ms after the kill: ${survivors.join(', ')}`).to.equal(true);
    expect(run.stderr).to.include('[kindling] kindling-submit has exited; stopping the driver');
  });

  it("gives a driver that handles SIGTERM the chance to stop cleanly when kindling-submit is killed", async () => {
    const run = await runSubmit([path.join(TESTDATA, 'signal-app.mjs')], {
      onStart: (child) => {
        child.stdout!.on('data', (d: Buffer) => {
          if (d.toString().includes('ready')) child.kill('SIGKILL');
        });
      },
    });
    expect(run.signal).to.equal('SIGKILL');
    // The driver kept kindling-submit's stdout: its handler ran after kindling-submit was gone.
    expect(run.stdout).to.include('child got SIGTERM');
  });
});
