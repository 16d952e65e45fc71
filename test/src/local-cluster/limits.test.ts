import { expect } from 'chai';
import { JobFailedError, KindlingContext } from '@kindling/core';

/** Oversized task binaries and results fail with a message that names the limit and the fix. */
describe('message size limits on local-cluster', function () {
  this.timeout(60_000);
  let kc: KindlingContext;

  before(async () => {
    kc = await KindlingContext.create({ master: 'local-cluster[1,1,256]', conf: { 'kindling.rpc.message.maxSize': '1' } });
  });
  after(async () => {
    await kc.stop();
  });

  it('fails a job whose stage plan exceeds kindling.rpc.message.maxSize, suggesting a broadcast', async () => {
    const big = Array.from({ length: 3000 }, (_, i) => `${i}-${'x'.repeat(500)}`);
    const err = await kc
      .parallelize(big, 1)
      .count()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).to.be.instanceOf(JobFailedError);
    expect((err as Error).message).to.match(/^Job aborted due to stage failure: /);
    expect((err as Error).message).to.contain('kindling.rpc.message.maxSize (1048576 bytes)');
    expect((err as Error).message).to.contain('broadcast variables');
  });

  it('fails a task whose result exceeds the limit, suggesting to return less data', async () => {
    const err = await kc
      .range(0, 1, 1, 1)
      .map(() => 'y'.repeat(2 * 1024 * 1024))
      .collect()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).to.be.instanceOf(JobFailedError);
    expect((err as Error).message).to.contain('exceeds kindling.rpc.message.maxSize');
    expect((err as Error).message).to.contain('Return less data');
  });

  it('still runs jobs within the limit, and large data travels through a broadcast', async () => {
    const values = Array.from({ length: 3000 }, (_, i) => `${i}-${'x'.repeat(500)}`);
    const table = kc.broadcast(values);
    const lengths = await kc
      .range(0, 4, 1, 2)
      .map((i, env) => env.table.value[i * 100]!.length, { table })
      .collect();
    expect(lengths).to.deep.equal([0, 1, 2, 3].map((i) => values[i * 100]!.length));
  });
});
