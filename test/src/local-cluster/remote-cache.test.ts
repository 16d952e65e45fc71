import { expect } from 'chai';
import { KindlingContext, type TaskEvent } from '@kindling/core';

/**
 * A task over a cached partition that runs on an executor without the block fetches it from the
 * holder's block transfer service instead of recomputing it (Spark's getRemote).
 */
describe('cached blocks fetched from another executor', function () {
  this.timeout(60_000);

  it('reads cached partitions remotely when tasks run off their holders', async () => {
    const kc = await KindlingContext.create({ master: 'local-cluster[2,1,256]', conf: { 'kindling.locality.wait': '0' } });
    try {
      const computed = kc.accumulator(0);
      const cached = kc
        .parallelize(Array.from({ length: 4000 }, (_, i) => i), 16)
        .map(
          (x, env) => {
            env.computed.add(1);
            return x * 3;
          },
          { computed },
        )
        .cache();
      expect(await cached.count()).to.equal(4000);
      expect(computed.value).to.equal(4000);
      let offHolder = 0;
      for (let round = 0; round < 5 && offHolder === 0; round++) {
        const tasks: TaskEvent[] = [];
        const listener = { onTaskEnd: (t: TaskEvent) => tasks.push(t) };
        kc.addListener(listener);
        // Slow tasks keep one executor busy, so the other takes partitions it does not hold.
        const sum = await cached
          .mapPartitionsWithIndex((i, it) => {
            const until = Date.now() + (i % 2 === 0 ? 30 : 1);
            while (Date.now() < until);
            let s = 0;
            for (const x of it) s += x;
            return [s];
          })
          .reduce((a, b) => a + b);
        kc.removeListener(listener);
        expect(sum).to.equal(3 * ((3999 * 4000) / 2));
        offHolder += tasks.filter((t) => t.locality !== 'PROCESS_LOCAL').length;
      }
      expect(offHolder, 'some tasks ran on an executor without their block').to.be.greaterThan(0);
      expect(computed.value, 'no cached partition was recomputed').to.equal(4000);
    } finally {
      await kc.stop();
    }
  });
});
