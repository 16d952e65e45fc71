import { expect } from 'chai';
import { HashPartitioner } from '@kindling/core';
import { useContext } from './helpers/context.js';
import { randomInts, randomPairs } from './helpers/data.js';
import { record, submittedStageIds, tasksByStage, type Recording } from './helpers/listener-recorder.js';

/** Number of task attempts that ran for a stage. */
function taskCount(rec: Recording, stageId: number): number {
  return tasksByStage(rec).get(stageId)?.length ?? 0;
}

describe('planner (stages and tasks seen through the listener)', function () {
  const fx = useContext({ master: 'local[2]' });
  const pairs = randomPairs(77, 300, 20);

  it('a narrow chain runs as one stage with one task per partition', async function () {
    const rdd = fx.kc
      .parallelize(randomInts(1, 100), 5)
      .map((x) => x * 2)
      .filter((x) => x % 3 !== 0)
      .flatMap((x) => [x, x + 1])
      .mapPartitions((it) => it)
      .union(fx.kc.parallelize([1, 2, 3], 2))
      .coalesce(4);
    const { rec } = await record(fx.kc, () => rdd.count());
    expect(rec.jobsStarted).to.have.length(1);
    expect(rec.jobsStarted[0]!.stageIds).to.have.length(1);
    expect(rec.stagesSubmitted).to.have.length(1);
    expect(rec.tasksEnded).to.have.length(4);
    expect(rec.tasksEnded.every((t) => t.successful)).to.equal(true);
    expect(rec.jobsEnded.map((j) => j.succeeded)).to.deep.equal([true]);
  });

  it('reduceByKey adds one shuffle: two stages, the parent with the lower id', async function () {
    const rdd = fx.kc.parallelize(pairs, 3).reduceByKey((a, b) => a + b, 5);
    const { rec } = await record(fx.kc, () => rdd.collect());
    const stageIds = rec.jobsStarted[0]!.stageIds;
    expect(stageIds).to.have.length(2);
    expect(rec.stagesSubmitted).to.have.length(2);
    const [mapStage, resultStage] = rec.stagesSubmitted;
    expect(mapStage!.stageId).to.be.lessThan(resultStage!.stageId);
    expect(resultStage!.parentIds).to.deep.equal([mapStage!.stageId]);
    expect(mapStage!.parentIds).to.deep.equal([]);
    // Task counts equal partition counts: 3 map tasks, 5 reduce tasks.
    expect(mapStage!.numTasks).to.equal(3);
    expect(resultStage!.numTasks).to.equal(5);
    expect(taskCount(rec, mapStage!.stageId)).to.equal(3);
    expect(taskCount(rec, resultStage!.stageId)).to.equal(5);
    // Every map task finished before the first reduce task started.
    const mapEnds = rec.tasksEnded.filter((t) => t.stageId === mapStage!.stageId).map((t) => t.taskId);
    const reduceStarts = rec.tasksStarted.filter((t) => t.stageId === resultStage!.stageId).map((t) => t.taskId);
    expect(Math.min(...reduceStarts)).to.be.greaterThan(Math.max(...mapEnds));
  });

  it('two shuffles: three stages, each parent submitted before its child', async function () {
    const rdd = fx.kc
      .parallelize(pairs, 4)
      .reduceByKey((a, b) => a + b, 3)
      .map(([k, v]) => [v % 5, k] as [number, string])
      .groupByKey(2);
    const { rec } = await record(fx.kc, () => rdd.collect());
    expect(rec.jobsStarted[0]!.stageIds).to.have.length(3);
    const submitted = rec.stagesSubmitted.map((s) => s.stageId);
    expect(submitted).to.have.length(3);
    expect(submitted).to.deep.equal([...submitted].sort((a, b) => a - b));
    const [s0, s1, s2] = rec.stagesSubmitted;
    expect(s1!.parentIds).to.deep.equal([s0!.stageId]);
    expect(s2!.parentIds).to.deep.equal([s1!.stageId]);
    expect([s0!.numTasks, s1!.numTasks, s2!.numTasks]).to.deep.equal([4, 3, 2]);
    expect([taskCount(rec, s0!.stageId), taskCount(rec, s1!.stageId), taskCount(rec, s2!.stageId)]).to.deep.equal([4, 3, 2]);
  });

  it('a second action on the same shuffled RDD reuses the shuffle: no map tasks run', async function () {
    const reduced = fx.kc.parallelize(pairs, 4).reduceByKey((a, b) => a + b, 3);
    const first = await record(fx.kc, () => reduced.collect());
    expect(first.rec.stagesSubmitted).to.have.length(2);
    const mapStageId = first.rec.stagesSubmitted[0]!.stageId;
    expect(taskCount(first.rec, mapStageId)).to.equal(4);

    const second = await record(fx.kc, () => reduced.count());
    expect(second.result).to.equal(first.result.length);
    expect(second.rec.jobsStarted[0]!.stageIds).to.include(mapStageId);
    expect(submittedStageIds(second.rec)).to.not.include(mapStageId);
    expect(second.rec.stagesSubmitted).to.have.length(1);
    expect(taskCount(second.rec, mapStageId)).to.equal(0);
    expect(second.rec.tasksEnded).to.have.length(3);

    // A new RDD downstream of the same shuffle also skips it.
    const third = await record(fx.kc, () => reduced.mapValues((v) => v * 2).reduceByKey((a, b) => a + b, 2).collect());
    expect(third.rec.jobsStarted[0]!.stageIds).to.have.length(3);
    expect(third.rec.stagesSubmitted).to.have.length(2);
    expect(taskCount(third.rec, mapStageId)).to.equal(0);
  });

  it('a fully cached RDD truncates lineage: nothing upstream of the cache runs again', async function () {
    const upstreamCalls = fx.kc.accumulator(0);
    const source = fx.kc.parallelize(pairs, 4).map(
      (kv, env) => {
        env.calls.add(1);
        return kv;
      },
      { calls: upstreamCalls },
    );
    const cached = source
      .reduceByKey((a, b) => a + b, 3)
      .mapValues((v) => v + 1)
      .cache();
    const first = await record(fx.kc, () => cached.count());
    expect(upstreamCalls.value).to.equal(pairs.length);
    expect(first.rec.stagesSubmitted).to.have.length(2);
    const upstreamStage = first.rec.stagesSubmitted[0]!.stageId;

    const downstream = cached.map(([k, v]) => [v % 4, k] as [number, string]).reduceByKey((a, b) => (a < b ? a : b), 2);
    const second = await record(fx.kc, () => downstream.collect());
    // Upstream of the cache: the shuffle stage over `source` is not submitted and runs no task.
    expect(second.rec.jobsStarted[0]!.stageIds).to.include(upstreamStage);
    expect(submittedStageIds(second.rec)).to.not.include(upstreamStage);
    expect(taskCount(second.rec, upstreamStage)).to.equal(0);
    expect(upstreamCalls.value).to.equal(pairs.length);
    // The stage reading the cache runs 3 tasks (one per cached partition), then 2 reduce tasks.
    expect(second.rec.stagesSubmitted.map((s) => s.numTasks)).to.deep.equal([3, 2]);
    expect(second.rec.tasksEnded).to.have.length(5);
    await cached.unpersist();
  });

  it('a fully cached RDD is read even when the shuffle output upstream of it is gone', async function () {
    // Simulates lost shuffle files (as after an executor loss) through the context's private
    // map-output tracker: only a lineage walk that stops at the cache avoids re-running the map stage.
    const tracker = (fx.kc as unknown as { tracker: { removeOutputsOn(f: { executorId: string }): number } }).tracker;
    const reduced = fx.kc.parallelize(pairs, 4).reduceByKey((a, b) => a + b, 3);
    const cached = reduced.mapValues((v) => v * 10).cache();
    const expected = await cached.collect();

    // Control: without the cache the lost outputs force the map stage to run again.
    const uncached = reduced.mapValues((v) => v * 10);
    expect(tracker.removeOutputsOn({ executorId: 'driver' })).to.be.greaterThan(0);
    const control = await record(fx.kc, () => uncached.collect());
    expect(control.rec.stagesSubmitted).to.have.length(2);
    expect(control.rec.tasksEnded).to.have.length(4 + 3);

    tracker.removeOutputsOn({ executorId: 'driver' });
    const { result, rec } = await record(fx.kc, () => cached.collect());
    expect(result).to.deep.equal(expected);
    expect(rec.stagesSubmitted).to.have.length(1);
    expect(rec.tasksEnded).to.have.length(3);
    expect(rec.tasksEnded.every((t) => t.locality === 'PROCESS_LOCAL')).to.equal(true);

    const downstream = await record(fx.kc, () => cached.map(([k, v]) => [v % 3, k] as [number, string]).groupByKey(2).count());
    expect(downstream.rec.jobsStarted[0]!.stageIds).to.have.length(3);
    expect(downstream.rec.stagesSubmitted.map((s) => s.numTasks)).to.deep.equal([3, 2]);
    await cached.unpersist();
  });

  it('a cached narrow chain is not recomputed by later jobs', async function () {
    const calls = fx.kc.accumulator(0);
    const cached = fx.kc
      .parallelize(randomInts(3, 120), 4)
      .map(
        (x, env) => {
          env.calls.add(1);
          return x * 3;
        },
        { calls },
      )
      .cache();
    const total = await cached.reduce((a, b) => a + b);
    expect(calls.value).to.equal(120);
    const { result, rec } = await record(fx.kc, () => cached.map((x) => [x % 2, x] as [number, number]).reduceByKey((a, b) => a + b).collect());
    expect(calls.value).to.equal(120);
    expect(result.reduce((a, [, v]) => a + v, 0)).to.equal(total);
    expect(rec.stagesSubmitted).to.have.length(2);
    await cached.unpersist();
  });

  it('join of two RDDs partitioned by equal HashPartitioners adds no shuffle', async function () {
    const p = new HashPartitioner(4);
    const left = fx.kc.parallelize(pairs, 3).partitionBy(p);
    const right = fx.kc.parallelize(randomPairs(5, 80, 25), 2).partitionBy(new HashPartitioner(4));
    const joined = left.join(right);
    expect(joined.getNumPartitions()).to.equal(4);
    expect(joined.partitioner?.equals(p)).to.equal(true);
    const { rec } = await record(fx.kc, () => joined.count());
    // Only the two partitionBy shuffles: 2 map stages + the result stage.
    expect(rec.jobsStarted[0]!.stageIds).to.have.length(3);
    expect(rec.stagesSubmitted).to.have.length(3);
    const result = rec.stagesSubmitted.find((s) => s.parentIds.length === 2)!;
    expect(result.numTasks).to.equal(4);
    expect(rec.stagesSubmitted.filter((s) => s.stageId !== result.stageId).map((s) => s.numTasks).sort()).to.deep.equal([2, 3]);
    expect(joined.toDebugString().match(/\+-\(/g)).to.have.length(2);

    // Compare: a join where one side is not co-partitioned shuffles that side.
    const mixed = left.join(fx.kc.parallelize(randomPairs(6, 50, 25), 2));
    const m = await record(fx.kc, () => mixed.count());
    expect(m.rec.jobsStarted[0]!.stageIds).to.have.length(3); // left's partitionBy + the other side + result
    expect(m.rec.stagesSubmitted).to.have.length(2); // left's partitionBy shuffle is reused
    expect(mixed.toDebugString().match(/\+-\(/g)).to.have.length(2);
  });

  it('reduceByKey over an RDD already partitioned by an equal partitioner adds no shuffle', async function () {
    const p = new HashPartitioner(3);
    const partitioned = fx.kc.parallelize(pairs, 5).partitionBy(p);
    const explicit = partitioned.reduceByKey((a, b) => a + b, new HashPartitioner(3));
    const implicit = partitioned.reduceByKey((a, b) => a + b); // default partitioner reuses p
    const grouped = partitioned.groupByKey(3);
    for (const rdd of [explicit, implicit, grouped]) {
      const { rec } = await record(fx.kc, () => rdd.count());
      expect(rec.jobsStarted[0]!.stageIds).to.have.length(2);
      expect(rdd.partitioner?.equals(p)).to.equal(true);
      expect(rdd.toDebugString().match(/\+-\(/g)).to.have.length(1);
    }
    const sums = new Map<string, number>();
    for (const [k, v] of pairs) sums.set(k, (sums.get(k) ?? 0) + v);
    expect(new Map((await explicit.collect()).sort())).to.deep.equal(new Map([...sums].sort()));
    // A different partition count does shuffle again.
    const { rec } = await record(fx.kc, () => partitioned.reduceByKey((a, b) => a + b, 4).count());
    expect(rec.jobsStarted[0]!.stageIds).to.have.length(3);
  });

  for (const [maps, reduces] of [
    [1, 1],
    [2, 7],
    [6, 3],
  ] as const) {
    it(`task counts equal partition counts (${maps} map / ${reduces} reduce partitions)`, async function () {
      const { rec } = await record(fx.kc, () => fx.kc.parallelize(pairs, maps).groupByKey(reduces).count());
      const [mapStage, resultStage] = rec.stagesSubmitted;
      expect(taskCount(rec, mapStage!.stageId)).to.equal(maps);
      expect(taskCount(rec, resultStage!.stageId)).to.equal(reduces);
      expect(new Set(rec.tasksEnded.filter((t) => t.stageId === resultStage!.stageId).map((t) => t.partition))).to.deep.equal(
        new Set(Array.from({ length: reduces }, (_, i) => i)),
      );
    });
  }

  it('first() and take(1) run a single task when the first partition has data', async function () {
    const rdd = fx.kc.parallelize(randomInts(4, 100), 8);
    for (const action of [() => rdd.first() as Promise<unknown>, () => rdd.take(1) as Promise<unknown>]) {
      const { rec } = await record(fx.kc, action);
      expect(rec.jobsStarted).to.have.length(1);
      expect(rec.tasksEnded).to.have.length(1);
      expect(rec.tasksEnded[0]!.partition).to.equal(0);
    }
  });

  it('take() scans more partitions only while it has too few records', async function () {
    const rdd = fx.kc.parallelize([1, 2, 3], 10); // records in partitions 3, 6 and 9
    const { result, rec } = await record(fx.kc, () => rdd.take(2));
    expect(result).to.deep.equal([1, 2]);
    // Spark's growth: 1 partition, then 4x as many, then up to 4x the scanned count.
    expect(rec.jobsStarted.length).to.be.at.least(2);
    const scanned = rec.tasksEnded.map((t) => t.partition);
    expect(new Set(scanned).size).to.equal(scanned.length);
    expect(scanned).to.include.members([0, 3, 6]);
    expect(rec.jobsStarted.map((j) => j.stageIds.length)).to.deep.equal(rec.jobsStarted.map(() => 1));
  });
});
