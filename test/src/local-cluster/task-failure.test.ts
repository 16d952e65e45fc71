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
