import { expect } from 'chai';
import { KindlingContext, type ExecutorEvent } from '@kindling/core';
import { withContext } from '../helpers/context.js';
import { sleepingIdentity, waitUntil } from './sleep-task.js';

function executorLog(kc: KindlingContext) {
  const added: ExecutorEvent[] = [];
  const removed: ExecutorEvent[] = [];
  kc.addListener({ onExecutorAdded: (e) => added.push(e), onExecutorRemoved: (e) => removed.push(e) });
  return { added, removed };
}

const DA = 'kindling.dynamicAllocation';

/** Two executors from the start, released after 1 s idle; no ramp-up within a test. */
const twoExecutors = (extra: Record<string, string | number> = {}) => ({
  master: 'local-cluster[2,1,512]',
  conf: {
    [`${DA}.enabled`]: true,
    [`${DA}.initialExecutors`]: 2,
    [`${DA}.schedulerBacklogTimeout`]: '30s',
    [`${DA}.executorIdleTimeout`]: '1s',
    ...extra,
  },
});

/** Real executor processes on local-cluster; short timeouts stand in for Spark's 60 s. */
describe('dynamic allocation on local-cluster (real processes)', function () {
  this.timeout(120_000);

  it('ramps executors up under a backlog and back down to minExecutors after the idle timeout', async () => {
    const kc = await KindlingContext.create({
      master: 'local-cluster[1,1,512]',
      conf: {
        [`${DA}.enabled`]: true,
        [`${DA}.minExecutors`]: 1,
        [`${DA}.maxExecutors`]: 4,
        [`${DA}.schedulerBacklogTimeout`]: '200ms',
        [`${DA}.executorIdleTimeout`]: '1s',
      },
    });
    try {
      const log = executorLog(kc);
      expect(kc.executorInfos()).to.have.length(1);
      let peak = 0;
      kc.addListener({ onExecutorAdded: () => (peak = Math.max(peak, kc.executorInfos().length)) });
      const data = Array.from({ length: 16 }, (_, i) => i);
      expect(await kc.parallelize(data, 16).map(sleepingIdentity, { ms: 700 }).count()).to.equal(16);
      // 1 + 1 + 2 = 4 (maxExecutors): the rounds double while the backlog lasts.
      expect(peak).to.be.at.least(3);
      expect(log.added.length).to.be.at.most(3);
      for (const e of log.added) expect(e.reason).to.match(/^requested by dynamic allocation: \d+ tasks backlogged, target \d+ -> \d+$/);
      await waitUntil(() => kc.executorInfos().length === 1, 'the idle executors to be released', 60_000);
      expect(log.removed.length).to.equal(log.added.length);
      for (const e of log.removed) expect(e.reason).to.match(/^Executor killed by driver \(.*\): idle for 1 s$/);
    } finally {
      await kc.stop();
    }
  });

  it('keeps an executor holding shuffle output a running job needs, and releases it when the job ends', async () => {
    await withContext(twoExecutors(), async (kc) => {
      const log = executorLog(kc);
      const mapExecutors = new Set<string>();
      let reduceStarted = false;
      kc.addListener({
        onTaskEnd: (e) => {
          if (e.stageId === 0 && e.successful) mapExecutors.add(e.executorId);
        },
        onStageSubmitted: (e) => {
          if (e.stageId === 1) reduceStarted = true;
        },
      });
      // Map tasks on both executors, then one long reduce task on one of them: the other is idle
      // but holds map output the running job still reads.
      const job = kc
        .parallelize(Array.from({ length: 8 }, (_, i) => [i % 4, i] as [number, number]), 4)
        .map(([k, v]: [number, number], env: { ms: number }) => {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, env.ms);
          return [k, v] as [number, number];
        }, { ms: 300 })
        .reduceByKey((a: number, b: number) => a + b, 1)
        .mapPartitions(function* (it: Iterable<[number, number]>, env: { ms: number }) {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, env.ms);
          yield* it;
        }, { ms: 4000 })
        .collect();
      await waitUntil(() => reduceStarted, 'the reduce stage');
      expect(mapExecutors.size).to.equal(2);
      // Three idle timeouts pass while the reduce task runs: nobody is released.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(log.removed).to.deep.equal([]);
      expect((await job).length).to.equal(4);
      // The job is over: its shuffle is no longer needed, so idle executors go.
      await waitUntil(() => log.removed.length === 2, 'both executors to be released', 60_000);
      expect(new Set(log.removed.map((e) => e.executorId))).to.deep.equal(mapExecutors);
      for (const e of log.removed) expect(e.reason).to.match(/idle for 1 s$/);
    });
  });

  it('keeps an executor with cached blocks until cachedExecutorIdleTimeout', async () => {
    await withContext(twoExecutors({ [`${DA}.cachedExecutorIdleTimeout`]: '5s' }), async (kc) => {
      const log = executorLog(kc);
      const ran = new Set<string>();
      kc.addListener({ onTaskEnd: (e) => ran.add(e.executorId) });
      // One cached partition: only the executor that computed it holds a block.
      const cached = kc.parallelize([1, 2, 3], 1).cache();
      expect(await cached.count()).to.equal(3);
      const [holder] = [...ran];
      const other = kc.executorInfos().map((e) => e.executorId).find((id) => id !== holder)!;
      await waitUntil(() => log.removed.length === 1, 'the executor without cached blocks to go', 30_000);
      expect(log.removed[0]!.executorId).to.equal(other);
      expect(log.removed[0]!.reason).to.match(/idle for 1 s$/);
      await waitUntil(() => log.removed.length === 2, 'the executor with cached blocks to go', 30_000);
      expect(log.removed[1]!.executorId).to.equal(holder);
      expect(log.removed[1]!.reason).to.match(/idle for 5 s with cached blocks \(kindling.dynamicAllocation.cachedExecutorIdleTimeout\)$/);
    });
  });

  it('warns and changes nothing on local[N], which cannot add or remove executors', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    const kc = await KindlingContext.create({ master: 'local[2]', conf: { [`${DA}.enabled`]: true } });
    try {
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.some((w) => /local\[2\] runs one in-process executor that cannot be added to or removed; dynamic allocation is ignored/.test(w))).to.equal(true);
      expect(await kc.parallelize([1, 2, 3], 2).count()).to.equal(3);
      expect(kc.executorInfos()).to.have.length(1);
    } finally {
      process.off('warning', onWarning);
      await kc.stop();
    }
  });
});
