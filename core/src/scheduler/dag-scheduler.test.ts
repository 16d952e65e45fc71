/* DAGScheduler: jobs, stages, reuse, caching, accumulators and events (harness in dag-scheduler-harness.ts). */
import { expect } from 'chai';
import { captureFunction } from '../closure/function-spec.js';
import type { JobEndEvent, JobStartEvent, StageEvent, TaskEvent } from '../listener/kindling-listener.js';
import { RDD } from '../rdd/rdd.js';
import { Accumulator } from '../shared/accumulator.js';
import { StorageLevel } from '../storage/storage-level.js';
import { DAGScheduler } from './dag-scheduler.js';
import type { Task } from './task.js';
import { A, B, C, tick, Harness, exception, lost } from './dag-scheduler-harness.test-helper.js';

describe('DAGScheduler', () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness();
  });
  afterEach(() => {
    h.dag.stop();
  });

  describe('narrow jobs', () => {
    it('submits one task set with one result task per partition and resolves in partition order', async () => {
      const job = h.run(h.map(h.parallelize(3)));
      expect(h.ids()).to.deep.equal(['0.0']);
      const ts = h.submitter.last();
      expect(ts.priority).to.equal(0);
      expect(ts.tasks.map((t) => [t.kind, t.stageId, t.stageAttemptId, t.partition, t.outputId, t.jobId, t.epoch])).to.deep.equal([
        ['result', 0, 0, 0, 0, 0, 0],
        ['result', 0, 0, 1, 1, 0, 0],
        ['result', 0, 0, 2, 2, 0, 0],
      ]);
      const plan = h.planOf(ts);
      expect(plan.output).to.deep.include({ kind: 'result' });
      expect(plan.nodes.map((n) => n.kind)).to.deep.equal(['parallel-collection', 'map-partitions']);

      h.succeed(ts.tasks[2]!, 'r2');
      h.succeed(ts.tasks[0]!, 'r0');
      await tick();
      expect(job.state).to.equal('pending');
      h.succeed(ts.tasks[1]!, 'r1');
      expect(await job.promise).to.deep.equal(['r0', 'r1', 'r2']);
      expect(h.ids()).to.deep.equal(['0.0']);
      expect(h.submitter.cancelled).to.deep.equal([]);
    });

    it('computes only the requested partitions and returns results in the requested order', async () => {
      const job = h.run(h.parallelize(4), [3, 1]);
      const ts = h.submitter.last();
      expect(ts.tasks.map((t) => [t.partition, t.outputId])).to.deep.equal([
        [3, 0],
        [1, 1],
      ]);
      h.succeed(ts.tasks[1]!, 'p1');
      h.succeed(ts.tasks[0]!, 'p3');
      expect(await job.promise).to.deep.equal(['p3', 'p1']);
    });

    it('rejects a job over a non-existent partition without submitting anything, and keeps running', async () => {
      const rdd = h.parallelize(2);
      const bad = h.run(rdd, [0, 2]);
      await tick();
      expect(bad.state).to.equal('rejected');
      expect(bad.error!.message).to.equal('Attempting to access a non-existent partition: 2. Total number of partitions: 2');
      expect(h.ids()).to.deep.equal([]);
      const good = h.run(rdd, [1]);
      h.succeed(h.submitter.last().tasks[0]!, 'ok');
      expect(await good.promise).to.deep.equal(['ok']);
    });

    it('resolves a job over zero partitions without tasks', async () => {
      const job = h.run(h.parallelize(2), []);
      expect(await job.promise).to.deep.equal([]);
      expect(h.ids()).to.deep.equal([]);
      expect(h.events.of<JobEndEvent>('jobEnd').map((e) => e.succeeded)).to.deep.equal([true]);
    });
  });

  describe('shuffle jobs', () => {
    it('runs the map stage first and the reduce stage only once every map output is registered', async () => {
      const shuffled = h.shuffle(h.parallelize(3), 2);
      const job = h.run(shuffled);
      expect(h.ids()).to.deep.equal(['0.0']);
      const mapTs = h.submitter.last();
      expect(mapTs.tasks.map((t) => [t.kind, t.partition])).to.deep.equal([
        ['shuffle-map', 0],
        ['shuffle-map', 1],
        ['shuffle-map', 2],
      ]);
      expect(h.planOf(mapTs).output).to.deep.include({ kind: 'shuffle-map', shuffleId: 0 });

      // Host A holds 200 of 220 bytes of each reduce partition, host B only 20 (< 20%).
      h.completeMap(mapTs.tasks[0]!, A, { sizes: [100, 100] });
      h.completeMap(mapTs.tasks[2]!, B, { sizes: [20, 20] });
      expect(h.ids()).to.deep.equal(['0.0']);
      expect(h.tracker.numAvailableOutputs(0)).to.equal(2);
      h.completeMap(mapTs.tasks[1]!, A, { sizes: [100, 100] });

      expect(h.ids()).to.deep.equal(['0.0', '1.0']);
      expect(h.tracker.statuses(0).map((s) => [s?.mapIndex, s?.executorId])).to.deep.equal([
        [0, 'exec-a'],
        [1, 'exec-a'],
        [2, 'exec-b'],
      ]);
      const reduceTs = h.submitter.last();
      expect(reduceTs.tasks.map((t) => [t.kind, t.partition, t.outputId])).to.deep.equal([
        ['result', 0, 0],
        ['result', 1, 1],
      ]);
      // Reduce locality: only hosts with >= 20% of the partition's map output.
      expect(reduceTs.tasks.map((t) => t.preferredLocations)).to.deep.equal([[{ host: 'host-a' }], [{ host: 'host-a' }]]);
      // The plan snapshot the reducers read has every map output.
      expect(h.planOf(reduceTs).shuffleReads[0]!.map((o) => o?.executorId)).to.deep.equal(['exec-a', 'exec-a', 'exec-b']);

      h.succeed(reduceTs.tasks[0]!, 'a');
      h.succeed(reduceTs.tasks[1]!, 'b');
      expect(await job.promise).to.deep.equal(['a', 'b']);
    });

    it('gives parent stages lower ids than their children through several shuffles', () => {
      const s1 = h.shuffle(h.map(h.shuffle(h.parallelize(3), 2)), 4);
      h.run(s1);
      expect(h.ids()).to.deep.equal(['0.0']);
      expect(h.submitter.last().tasks).to.have.length(3);
      h.completeMapStage(h.submitter.last());
      expect(h.ids()).to.deep.equal(['0.0', '1.0']);
      expect(h.submitter.last().tasks.map((t) => t.kind)).to.deep.equal(['shuffle-map', 'shuffle-map']);
      h.completeMapStage(h.submitter.last());
      expect(h.ids()).to.deep.equal(['0.0', '1.0', '2.0']);
      expect(h.partitions(h.submitter.last())).to.deep.equal([0, 1, 2, 3]);
    });

    it('runs a map stage needed by two concurrent jobs once, then both result stages in job order', async () => {
      const shuffled = h.shuffle(h.parallelize(2), 2);
      const job0 = h.run(h.map(shuffled));
      const job1 = h.run(h.map(shuffled));
      expect(h.ids()).to.deep.equal(['0.0']);
      expect(h.submitter.last().priority).to.equal(0);
      h.completeMapStage(h.submitter.last());
      expect(h.ids()).to.deep.equal(['0.0', '1.0', '2.0']);
      expect(h.submitter.taskSets.slice(1).map((ts) => ts.priority)).to.deep.equal([0, 1]);
      h.submitter.find(2, 0).tasks.forEach((t) => h.succeed(t, 'j1'));
      h.submitter.find(1, 0).tasks.forEach((t) => h.succeed(t, 'j0'));
      expect(await job0.promise).to.deep.equal(['j0', 'j0']);
      expect(await job1.promise).to.deep.equal(['j1', 'j1']);
    });

    it('reuses a registered shuffle: a second job submits only its result stage', async () => {
      const shuffled = h.shuffle(h.parallelize(3), 2);
      const first = h.run(shuffled);
      h.completeMapStage(h.submitter.find(0, 0));
      h.submitter.find(1, 0).tasks.forEach((t) => h.succeed(t, t.partition));
      await first.promise;

      const second = h.run(h.map(shuffled));
      expect(h.ids()).to.deep.equal(['0.0', '1.0', '2.0']);
      const ts = h.submitter.last();
      expect(ts.priority).to.equal(1);
      expect(ts.tasks.map((t) => [t.kind, t.partition, t.jobId])).to.deep.equal([
        ['result', 0, 1],
        ['result', 1, 1],
      ]);
      expect(h.events.of<JobStartEvent>('jobStart')[1]!.stageIds).to.deep.equal([0, 2]);
      expect(h.events.submitted(0)).to.have.length(1);
      ts.tasks.forEach((t) => h.succeed(t, `x${t.partition}`));
      expect(await second.promise).to.deep.equal(['x0', 'x1']);
    });

    it('re-runs only the lost partitions of a reused shuffle', async () => {
      const shuffled = h.shuffle(h.parallelize(3), 2);
      const first = h.run(shuffled);
      h.completeMapStage(h.submitter.find(0, 0), [A, A, B]);
      h.submitter.find(1, 0).tasks.forEach((t) => h.succeed(t, t.partition));
      await first.promise;

      h.dag.executorLost('exec-b', 'host-b', lost());
      const second = h.run(shuffled);
      expect(h.ids()).to.deep.equal(['0.0', '1.0', '0.1']);
      expect(h.partitions(h.submitter.last())).to.deep.equal([2]);
      h.completeMap(h.submitter.last().tasks[0]!, C);
      expect(h.ids()).to.deep.equal(['0.0', '1.0', '0.1', '2.0']);
      h.submitter.last().tasks.forEach((t) => h.succeed(t, t.partition));
      expect(await second.promise).to.deep.equal([0, 1]);
    });
  });

  describe('cached RDDs', () => {
    it('a fully cached RDD truncates the lineage: the next job runs no parent stage', async () => {
      const shuffled = h.shuffle(h.parallelize(2), 2);
      const cached = h.map(shuffled).persist(StorageLevel.MEMORY_ONLY);
      const first = h.run(cached);
      h.completeMapStage(h.submitter.find(0, 0), A);
      for (const t of h.submitter.find(1, 0).tasks) {
        h.succeed(t, t.partition, { exec: B, blockUpdates: [{ blockId: `rdd_${cached.id}_${t.partition}`, memSize: 64, diskSize: 0 }] });
      }
      await first.promise;
      expect(h.blocks.isFullyCached(cached.id, 2)).to.equal(true);

      // The map outputs are gone, the cached blocks (on exec-b) are not.
      h.dag.executorLost('exec-a', 'host-a', lost());
      expect(h.tracker.numAvailableOutputs(0)).to.equal(0);

      const second = h.run(h.map(cached));
      expect(h.ids()).to.deep.equal(['0.0', '1.0', '2.0']);
      const ts = h.submitter.last();
      expect(h.partitions(ts)).to.deep.equal([0, 1]);
      // The tasks prefer the executor holding their cached partition (PROCESS_LOCAL).
      expect(ts.tasks.map((t) => t.preferredLocations)).to.deep.equal([
        [{ host: 'host-b', executorId: 'exec-b' }],
        [{ host: 'host-b', executorId: 'exec-b' }],
      ]);
      expect(h.planOf(ts).cachedBlocks[cached.id]).to.deep.equal({
        0: [{ executorId: 'exec-b', host: 'host-b', port: 0 }],
        1: [{ executorId: 'exec-b', host: 'host-b', port: 0 }],
      });
      ts.tasks.forEach((t) => h.succeed(t, t.partition, { exec: B }));
      expect(await second.promise).to.deep.equal([0, 1]);

      // Control: the same lineage without the cached RDD must re-run the map stage.
      h.run(h.map(shuffled));
      expect(h.ids()).to.deep.equal(['0.0', '1.0', '2.0', '0.1']);
      expect(h.partitions(h.submitter.last())).to.deep.equal([0, 1]);
    });

    it('a partially cached RDD does not truncate the lineage', () => {
      const shuffled = h.shuffle(h.parallelize(2), 2);
      const cached = h.map(shuffled).persist(StorageLevel.MEMORY_ONLY);
      h.run(cached);
      h.completeMapStage(h.submitter.find(0, 0), A);
      const [t0, t1] = h.submitter.find(1, 0).tasks;
      h.succeed(t0!, 0, { exec: B, blockUpdates: [{ blockId: `rdd_${cached.id}_0`, memSize: 64, diskSize: 0 }] });
      h.succeed(t1!, 1, { exec: B });
      h.dag.executorLost('exec-a', 'host-a', lost());
      h.run(h.map(cached));
      expect(h.ids()).to.deep.equal(['0.0', '1.0', '0.1']);
    });
  });

  describe('cancellation and serialization', () => {
    it('cancelAllJobs rejects active jobs and cancels their running stages', async () => {
      const job = h.run(h.cogroup([h.parallelize(2), h.parallelize(2)], 2));
      h.completeMapStage(h.submitter.find(0, 0));
      h.dag.cancelAllJobs('the KindlingContext was stopped');
      await tick();
      expect(job.state).to.equal('rejected');
      expect(job.error!.name).to.equal('JobCancelledError');
      expect(job.error!.message).to.equal('Job 0 cancelled because the KindlingContext was stopped');
      expect(h.submitter.cancelled.map((c) => c.stageId)).to.deep.equal([1]);
      // Stage 0 finished before the cancel and is reused by a later job.
      h.completeMapStage(h.submitter.find(1, 0));
      expect(h.ids()).to.deep.equal(['0.0', '1.0']);
    });

    it('fails the job with "Task serialization failed" when the stage plan cannot be serialized', async () => {
      const bad = new RDD(
        h.kc,
        { kind: 'bad', className: 'BadRDD', dependencies: [], numPartitions: 1, planArgs: { fn: { markers: [] }, handle: () => 1 } },
        'bad at test',
      );
      const job = h.run(h.map(bad));
      await tick();
      expect(job.state).to.equal('rejected');
      expect(job.error!.message).to.match(/^Job aborted due to stage failure: Task serialization failed: /);
      expect(h.ids()).to.deep.equal([]);
      expect(h.events.completed().map((e) => e.stageId)).to.deep.equal([0]);
      expect(h.events.completed()[0]!.failureReason).to.match(/^Task serialization failed: /);
    });
  });

  describe('accumulators', () => {
    it('merges updates once per (stage, partition) even when two attempts succeed', async () => {
      const acc = new Accumulator<number>(h.accumulators.newId(), 0, (a, b) => a + b, captureFunction((a: number, b: number) => a + b, undefined, 'accumulator'));
      h.accumulators.register(acc);
      const job = h.run(h.shuffle(h.parallelize(2), 2));
      const mapTs = h.submitter.find(0, 0);
      const up = (value: number) => ({ accumulatorUpdates: [{ id: acc.id, value }] });

      h.completeMap(mapTs.tasks[0]!, A, up(1));
      h.fail(mapTs.tasks[0]!, { kind: 'resubmitted' }, A);
      h.completeMap(mapTs.tasks[0]!, B, { ...up(1), attemptNumber: 1 });
      h.completeMap(mapTs.tasks[1]!, A, up(10));
      expect(acc.value).to.equal(11);

      const reduceTs = h.submitter.find(1, 0);
      h.succeed(reduceTs.tasks[0]!, 'a', up(100));
      // A speculative copy of the same partition also succeeds.
      h.succeed(reduceTs.tasks[0]!, 'a', { ...up(100), exec: B, attemptNumber: 1 });
      expect(acc.value).to.equal(111);
      h.succeed(reduceTs.tasks[1]!, 'b', up(1000));
      expect(await job.promise).to.deep.equal(['a', 'b']);
      expect(acc.value).to.equal(1111);
    });
  });

  describe('listener events', () => {
    it('posts job start with every stage id and stage events with name, numTasks, parentIds and attemptId', async () => {
      const source = h.parallelize(3);
      const firstShuffle = h.shuffle(source, 2);
      const mapped = h.map(firstShuffle, 'map at app.ts:7');
      const lastShuffle = h.shuffle(mapped, 4);
      const job = h.run(lastShuffle);
      h.completeMapStage(h.submitter.find(0, 0));
      h.completeMapStage(h.submitter.find(1, 0));
      h.submitter.find(2, 0).tasks.forEach((t) => h.succeed(t, t.partition));
      await job.promise;

      expect(h.events.of<JobStartEvent>('jobStart').map((e) => [e.jobId, e.stageIds])).to.deep.equal([[0, [0, 1, 2]]]);
      const stages = [
        { stageId: 0, attemptId: 0, name: 'parallelize at test:3', numTasks: 3, parentIds: [], pool: 'default' },
        { stageId: 1, attemptId: 0, name: 'map at app.ts:7', numTasks: 2, parentIds: [0], pool: 'default' },
        { stageId: 2, attemptId: 0, name: 'collect at test', numTasks: 4, parentIds: [1], pool: 'default' },
      ];
      const stageLog = h.events.log.filter((l) => l.name.startsWith('stage') || l.name.startsWith('job'));
      expect(stageLog.map((l) => l.name)).to.deep.equal([
        'jobStart',
        'stageSubmitted',
        'stageCompleted',
        'stageSubmitted',
        'stageCompleted',
        'stageSubmitted',
        'stageCompleted',
        'jobEnd',
      ]);
      const withoutRdds = (events: StageEvent[]) => events.map(({ rddInfos: _rdds, ...rest }) => rest);
      expect(withoutRdds(h.events.submitted())).to.deep.equal(stages);
      expect(withoutRdds(h.events.completed())).to.deep.equal(stages);
      // Spark's StageInfo.rddInfos: the stage's RDD and its narrow ancestors.
      expect(h.events.submitted().map((e) => e.rddInfos?.map((r) => r.id))).to.deep.equal([
        [source.id],
        [mapped.id, firstShuffle.id],
        [lastShuffle.id],
      ]);
      expect(h.events.of<JobEndEvent>('jobEnd')[0]).to.deep.include({ jobId: 0, succeeded: true });
      expect(h.events.of<TaskEvent>('taskEnd')).to.have.length(3 + 2 + 4);
    });

    it('reports task failures with their end reason and error', () => {
      h.run(h.parallelize(1));
      h.fail(h.submitter.last().tasks[0]!, exception('bad input'));
      const [ev] = h.events.of<TaskEvent>('taskEnd');
      expect(ev).to.deep.include({ stageId: 0, stageAttemptId: 0, partition: 0, successful: false, endReason: 'exception' });
      expect(ev!.error!.message).to.equal('bad input');
    });
  });
});
