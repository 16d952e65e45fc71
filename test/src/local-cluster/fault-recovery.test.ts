import { expect } from 'chai';
import { KindlingContext, type TaskEvent } from '@kindling/core';
import { executorPid } from '../helpers/executor-processes.js';

/**
 * kill -9 of a real executor process in the middle of a map stage and of a reduce stage:
 * the job's answer must equal an undisturbed run's, and only lost partitions may run again.
 */
describe('fault recovery on local-cluster (kill -9)', function () {
  this.timeout(120_000);

  const N = 240;
  const MAPS = 8;
  const REDUCES = 4;

  async function job(kc: KindlingContext): Promise<Array<[number, number]>> {
    const result = await kc
      .parallelize(Array.from({ length: N }, (_, i) => i), MAPS)
      .map((x) => {
        // Slow enough that a kill lands while tasks run.
        const until = Date.now() + 15;
        while (Date.now() < until);
        return [x % 12, x] as [number, number];
      })
      .reduceByKey(
        (a, b) => {
          const until = Date.now() + 1;
          while (Date.now() < until);
          return a + b;
        },
        REDUCES,
      )
      .collect();
    return result.sort((a, b) => a[0] - b[0]);
  }

  function expected(): Array<[number, number]> {
    const m = new Map<number, number>();
    for (let i = 0; i < N; i++) m.set(i % 12, (m.get(i % 12) ?? 0) + i);
    return [...m.entries()].sort((a, b) => a[0] - b[0]);
  }

  async function withCluster(fn: (kc: KindlingContext, tasks: TaskEvent[], removed: string[]) => Promise<void>) {
    const kc = await KindlingContext.create({ master: 'local-cluster[2,1,256]', appName: 'fault-recovery' });
    const tasks: TaskEvent[] = [];
    const removed: string[] = [];
    kc.addListener({ onTaskEnd: (t) => tasks.push(t), onExecutorRemoved: (e) => removed.push(`${e.executorId}: ${e.reason}`) });
    try {
      await fn(kc, tasks, removed);
    } finally {
      await kc.stop();
    }
  }

  it('undisturbed run gives the expected answer', async () => {
    await withCluster(async (kc) => {
      expect(await job(kc)).to.deep.equal(expected());
    });
  });

  it('recovers when an executor dies during the map stage, re-running only its partitions', async () => {
    await withCluster(async (kc, tasks, removed) => {
      let victim: string | undefined;
      const victimPartitions = new Set<number>();
      kc.addListener({
        onTaskStart: (t) => {
          // The map stage is the job's first stage: kill the executor of the third map task once it starts.
          if (victim === undefined && t.partition === 2 && t.attempt === 0) {
            victim = t.executorId;
            process.kill(executorPid(victim), 'SIGKILL');
          }
        },
      });
      kc.addListener({
        onTaskEnd: (t) => {
          if (t.executorId === victim) victimPartitions.add(t.partition);
        },
      });
      expect(await job(kc)).to.deep.equal(expected());
      expect(victim, 'an executor was killed').to.not.equal(undefined);
      expect(removed.some((r) => r.startsWith(`${victim}:`))).to.equal(true);

      const mapStage = Math.min(...tasks.map((t) => t.stageId));
      const mapRuns = new Map<number, number>();
      for (const t of tasks.filter((x) => x.stageId === mapStage && x.successful)) {
        mapRuns.set(t.partition, (mapRuns.get(t.partition) ?? 0) + 1);
      }
      expect([...mapRuns.keys()].sort((a, b) => a - b)).to.deep.equal([...Array(MAPS).keys()]);
      // A partition ran more than once only if its first run was on the executor that died.
      const survivorRuns = tasks.filter((t) => t.stageId === mapStage && t.executorId !== victim && t.successful);
      const firstOnSurvivor = new Set(
        survivorRuns.filter((t) => !tasks.some((v) => v.stageId === mapStage && v.partition === t.partition && v.executorId === victim)).map((t) => t.partition),
      );
      for (const p of firstOnSurvivor) expect(mapRuns.get(p), `map partition ${p} ran once`).to.equal(1);
      // The lost executor's loss did not count as a task failure: no task failed 4 times.
      expect(tasks.filter((t) => t.endReason === 'exception')).to.have.length(0);
    });
  });

  it('recovers when an executor dies during the reduce stage, recomputing only its map outputs', async () => {
    await withCluster(async (kc, tasks) => {
      let victim: string | undefined;
      let mapStage: number | undefined;
      kc.addListener({
        onStageSubmitted: (s) => {
          if (mapStage === undefined) mapStage = s.stageId;
        },
        onTaskStart: (t) => {
          if (victim === undefined && mapStage !== undefined && t.stageId !== mapStage) {
            victim = t.executorId;
            process.kill(executorPid(victim), 'SIGKILL');
          }
        },
      });
      expect(await job(kc)).to.deep.equal(expected());
      expect(victim).to.not.equal(undefined);

      const firstAttemptMaps = tasks.filter((t) => t.stageId === mapStage && t.stageAttemptId === 0 && t.successful);
      const lostPartitions = new Set(firstAttemptMaps.filter((t) => t.executorId === victim).map((t) => t.partition));
      const rerun = tasks.filter((t) => t.stageId === mapStage && t.stageAttemptId > 0);
      expect(rerun.length, 'the map stage ran again').to.be.greaterThan(0);
      for (const t of rerun) expect(lostPartitions.has(t.partition), `re-ran map partition ${t.partition} was lost`).to.equal(true);
      expect(new Set(rerun.filter((t) => t.successful).map((t) => t.partition))).to.deep.equal(lostPartitions);
    });
  });
});
