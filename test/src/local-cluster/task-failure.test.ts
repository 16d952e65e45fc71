import { expect } from 'chai';
import { JobFailedError, KindlingContext, MasterUrlError, type TaskEvent } from '@kindling/core';

describe('local-cluster task failures and URL rules', function () {
  this.timeout(60_000);

  it('fails the job after kindling.task.maxFailures (4) attempts with the task error and its stack', async () => {
    const kc = await KindlingContext.create({ master: 'local-cluster[2,1,256]' });
    const ends: TaskEvent[] = [];
    kc.addListener({ onTaskEnd: (t) => ends.push(t) });
    try {
      const err = await kc
        .parallelize([1, 2, 3, 4], 2)
        .map((x) => {
          if (x === 3) throw new RangeError(`bad record ${x}`);
          return x;
        })
        .collect()
        .then(
          () => undefined,
          (e: unknown) => e as Error,
        );
      expect(err).to.be.instanceOf(JobFailedError);
      expect(err!.message).to.match(/^Job aborted due to stage failure: Task 1 in stage \d+\.0 failed 4 times/);
      expect(err!.message).to.contain('RangeError: bad record 3');
      expect(err!.message).to.match(/at .*closure:\/\/map/);
      const attempts = ends.filter((t) => t.partition === 1 && t.endReason === 'exception');
      expect(attempts.map((t) => t.attempt)).to.deep.equal([0, 1, 2, 3]);
      // The context is still usable.
      expect(await kc.parallelize([1, 2], 2).count()).to.equal(2);
    } finally {
      await kc.stop();
    }
  });

  it('refuses executor memory above the per-executor size, with Spark\'s message', async () => {
    const err = await KindlingContext.create({
      master: 'local-cluster[1,1,256]',
      conf: { 'kindling.executor.memory': '512m' },
    }).then(
      async (kc) => {
        await kc.stop();
        return undefined;
      },
      (e: unknown) => e as Error,
    );
    expect(err).to.be.instanceOf(MasterUrlError);
    expect(err!.message).to.equal('Asked to launch cluster with 256 MiB/worker but requested 512 MiB/executor');
  });

  it('rejects a malformed local-cluster URL', async () => {
    const err = await KindlingContext.create({ master: 'local-cluster[2,1]' }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err).to.be.instanceOf(MasterUrlError);
    expect(err!.message).to.contain("Could not parse master URL: 'local-cluster[2,1]'");
  });
});

describe('local-cluster executors that keep failing', function () {
  this.timeout(60_000);

  it('fails context creation after kindling.deploy.maxExecutorRetries consecutive executor failures, instead of waiting', async () => {
    const saved = process.env['NODE_OPTIONS'];
    // Every executor process dies at start-up: node cannot preload this module.
    process.env['NODE_OPTIONS'] = '--require /nonexistent/kindling-crash.cjs';
    const started = Date.now();
    try {
      const err = await KindlingContext.create({
        master: 'local-cluster[2,1,256]',
        conf: { 'kindling.deploy.maxExecutorRetries': '3' },
      }).then(
        async (kc) => {
          await kc.stop();
          return undefined;
        },
        (e: unknown) => e as Error,
      );
      expect(err, 'create() failed').to.be.instanceOf(Error);
      expect(err!.message).to.match(/^Application has been killed\. Reason: 3 executors in a row failed/);
      expect(err!.message).to.contain('kindling.deploy.maxExecutorRetries');
      expect(Date.now() - started).to.be.below(20_000);
    } finally {
      if (saved === undefined) delete process.env['NODE_OPTIONS'];
      else process.env['NODE_OPTIONS'] = saved;
    }
  });

  it('replaces an executor lost during a job, keeping the requested number', async () => {
    const kc = await KindlingContext.create({ master: 'local-cluster[2,1,256]' });
    try {
      const victim = kc.executorInfos()[0]!.executorId;
      const { executorPid } = await import('../helpers/executor-processes.js');
      process.kill(executorPid(victim), 'SIGKILL');
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && (kc.executorInfos().some((e) => e.executorId === victim) || kc.executorInfos().length < 2)) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(kc.executorInfos().map((e) => e.executorId)).to.not.include(victim);
      expect(kc.executorInfos()).to.have.length(2);
      expect(await kc.parallelize([1, 2, 3, 4], 4).count()).to.equal(4);
    } finally {
      await kc.stop();
    }
  });
});

describe('a job without executors', function () {
  this.timeout(60_000);

  it('warns that it has no resources, then runs once an executor arrives', async () => {
    const kc = await KindlingContext.create({ master: 'local-cluster[1,1,256]', conf: { 'kindling.starvation.timeout': '200ms' } });
    const warnings: string[] = [];
    const onWarning = (w: Error & { code?: string }) => {
      if (w.code === 'KINDLING_STARVATION') warnings.push(w.message);
    };
    process.on('warning', onWarning);
    try {
      expect(await kc.killExecutors(['0'])).to.equal(true);
      while (kc.executorInfos().length > 0) await new Promise((r) => setTimeout(r, 20));
      const job = kc.parallelize([1, 2, 3], 3).count();
      while (warnings.length === 0) await new Promise((r) => setTimeout(r, 20));
      expect(warnings[0]).to.match(/^Initial job has not accepted any resources/);
      expect(await kc.requestTotalExecutors(1)).to.equal(true);
      expect(await job).to.equal(3);
    } finally {
      process.off('warning', onWarning);
      await kc.stop();
    }
  });
});
