import { expect } from 'chai';
import { KindlingContext, type TaskEvent } from '@kindling/core';

/** Shuffles between executor processes, through the block transfer service and through same-host disk reads. */
describe('network shuffle across executor processes', function () {
  this.timeout(90_000);

  for (const readHostLocalDisk of [false, true]) {
    it(`word count across 2 executors (readHostLocalDisk=${readHostLocalDisk})`, async () => {
      const kc = await KindlingContext.create({
        master: 'local-cluster[2,1,256]',
        conf: { 'kindling.shuffle.readHostLocalDisk': String(readHostLocalDisk), 'kindling.reducer.maxSizeInFlight': '64k' },
      });
      const tasks: TaskEvent[] = [];
      kc.addListener({ onTaskEnd: (t) => tasks.push(t) });
      try {
        const lines = Array.from({ length: 5000 }, (_, i) => `w${i % 97} w${(i * 7) % 13} ünïcode${i % 5}`);
        const counts = await kc
          .parallelize(lines, 6)
          .flatMap((l) => l.split(' '))
          .map((w) => [w, 1] as [string, number])
          .reduceByKey((a, b) => a + b, 5)
          .collect();
        const expected = new Map<string, number>();
        for (const l of lines) for (const w of l.split(' ')) expected.set(w, (expected.get(w) ?? 0) + 1);
        expect(new Map(counts)).to.deep.equal(expected);
        expect(new Set(tasks.map((t) => t.executorId)).size, 'both executors ran tasks').to.equal(2);
        // Sorting a larger shuffle spills fetched blocks to disk (maxSizeInFlight is tiny here).
        const sorted = await kc.range(0, 20000, 1, 4).map((x) => [(x * 7919) % 20000, x] as [number, number]).sortByKey(false, 3).keys().collect();
        expect(sorted).to.deep.equal(Array.from({ length: 20000 }, (_, i) => 19999 - i));
      } finally {
        await kc.stop();
      }
    });
  }
});
