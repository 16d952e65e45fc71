import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HashPartitioner, IllegalStateError, KindlingContext, StorageLevel } from '@kindling/core';
import { rejection } from '../helpers/assertions.js';
import { useContext, useTempDir } from '../helpers/context.js';
import { executorPid } from '../helpers/executor-processes.js';
import { record } from '../helpers/listener-recorder.js';
import { MASTERS } from './masters.js';

/** Number of RDDs the planner walks for a job over `rdd` (its whole lineage). */
function lineageSize(rdd: { dependencies: Array<{ rdd: any }> }): number {
  const seen = new Set<unknown>();
  const visit = (r: any) => {
    if (seen.has(r)) return;
    seen.add(r);
    for (const d of r.dependencies) visit(d.rdd);
  };
  visit(rdd);
  return seen.size;
}

for (const master of MASTERS) {
  describe(`checkpointing on ${master}`, function () {
    this.timeout(120000);
    const fx = useContext({ master });
    const tmp = useTempDir('kindling-checkpoint-');

    it('checkpoint() needs a checkpoint directory', async function () {
      const kc = await KindlingContext.create({ master: 'local[1]' });
      try {
        expect(() => kc.parallelize([1]).checkpoint()).to.throw(IllegalStateError, 'Checkpoint directory has not been set');
      } finally {
        await kc.stop();
      }
    });

    it('checkpoint() writes the RDD after the next job, then truncates its lineage and keeps its partitioner', async function () {
      fx.kc.setCheckpointDir(tmp.sub('ckpt'));
      const base = fx.kc.parallelize(Array.from({ length: 60 }, (_, i) => [i % 7, i] as [number, number]), 3);
      const summed = base.reduceByKey((a, b) => a + b, new HashPartitioner(4)).mapValues((v) => v * 2);
      summed.checkpoint();
      expect(summed.isCheckpointed()).to.equal(false);
      const before = await summed.collect();
      expect(summed.isCheckpointed()).to.equal(true);
      const dir = summed.getCheckpointFile()!;
      expect(dir.startsWith(fx.kc.getCheckpointDir()!)).to.equal(true);
      expect(fs.readdirSync(dir).sort()).to.deep.equal(['_SUCCESS', 'part-00000', 'part-00001', 'part-00002', 'part-00003']);
      expect(summed.toDebugString()).to.match(/^\(4\) MapPartitionsRDD\[\d+\] .*\n \|  ReliableCheckpointRDD\[\d+\] at checkpoint at /);
      expect(summed.toDebugString()).to.not.include('ShuffledRDD');
      expect(summed.partitioner?.equals(new HashPartitioner(4))).to.equal(true);
      const { result, rec } = await record(fx.kc, () => summed.collect());
      expect(result).to.deep.equal(before);
      expect(rec.stagesSubmitted).to.have.length(1);
      // The checkpoint is read from its files: a co-partitioned join needs no shuffle on this side.
      expect(await summed.join(summed).count()).to.equal(7);
    });

    it('an iterative job stops growing its lineage and its planning work once it checkpoints', async function () {
      fx.kc.setCheckpointDir(tmp.sub('iter'));
      let rdd = fx.kc.parallelize(Array.from({ length: 20 }, (_, i) => i), 2);
      let unchecked = rdd;
      const lineage: number[] = [];
      const uncheckedLineage: number[] = [];
      const planned: number[] = [];
      for (let i = 1; i <= 24; i++) {
        rdd = rdd.map((x) => x + 1);
        unchecked = unchecked.map((x) => x + 1);
        if (i % 4 === 0) rdd.checkpoint();
        // The stage's rddInfos are the RDDs the planner walks and ships in the stage plan.
        const { rec } = await record(fx.kc, () => rdd.count());
        planned.push(Math.max(...rec.stagesSubmitted.map((s) => s.rddInfos!.length)));
        lineage.push(lineageSize(rdd));
        uncheckedLineage.push(lineageSize(unchecked));
      }
      expect(await rdd.collect()).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 24));
      expect(uncheckedLineage[23]).to.equal(25);
      // Without checkpoints the job at iteration i would plan i + 1 RDDs; with them it stays bounded.
      expect(Math.max(...lineage.slice(4))).to.be.at.most(6);
      expect(lineage[23]).to.equal(lineage[3]);
      expect(Math.max(...planned)).to.be.at.most(6);
      expect(planned[23]).to.equal(planned[7]);
      const { rec } = await record(fx.kc, () => unchecked.count());
      expect(rec.stagesSubmitted[0]!.rddInfos).to.have.length(25);
    });

    it('localCheckpoint() keeps the partitions in the block stores and cuts the lineage', async function () {
      const source = fx.kc.parallelize(Array.from({ length: 30 }, (_, i) => i), 3).map((x) => x * 3);
      const local = source.localCheckpoint();
      expect(local.storageLevel).to.equal(StorageLevel.MEMORY_AND_DISK);
      expect(await local.take(2)).to.deep.equal([0, 3]);
      expect(local.isCheckpointed()).to.equal(true);
      expect(local.getCheckpointFile()).to.equal(undefined);
      expect(local.toDebugString()).to.match(/\n \|  LocalCheckpointRDD\[\d+\]/);
      expect(local.toDebugString()).to.not.include('ParallelCollectionRDD');
      expect(await local.map((x) => x + 1).collect()).to.deep.equal(Array.from({ length: 30 }, (_, i) => i * 3 + 1));
      await local.unpersist();
      const err = await rejection(local.collect());
      expect(err.message).to.match(new RegExp(`Checkpoint block rdd_${local.id}_\\d not found! Either the executor`));
    });

    if (master.startsWith('local-cluster')) {
      it('a reliable checkpoint survives the loss of the executors that computed it', async function () {
        fx.kc.setCheckpointDir(tmp.sub('survive'));
        const rdd = fx.kc.parallelize(Array.from({ length: 40 }, (_, i) => i), 4).map((x) => x * x).cache();
        rdd.checkpoint();
        const want = await rdd.collect();
        for (const e of fx.kc.executorInfos()) process.kill(executorPid(e.executorId), 'SIGKILL');
        expect(await rdd.collect()).to.deep.equal(want);
        expect(path.basename(rdd.getCheckpointFile()!)).to.equal(`rdd-${rdd.id}`);
      });
    }
  });
}
