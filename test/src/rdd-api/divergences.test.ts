import { expect } from 'chai';
import * as fs from 'node:fs';
import { HashPartitioner, JobFailedError, TaskFailedError } from '@kindling/core';
import { rejection } from '../helpers/assertions.js';
import { useContext, useTempDir } from '../helpers/context.js';
import { randomPairs } from '../helpers/data.js';
import { record } from '../helpers/listener-recorder.js';
import { MASTERS } from './masters.js';

/** The four behaviours issue 12 found different from Spark. */
for (const master of MASTERS) {
  describe(`Spark parity fixes on ${master}`, function () {
    this.timeout(120000);
    const fx = useContext({ master });
    const tmp = useTempDir('kindling-divergence-');

    it('distinct on a partitioned RDD with the same partition count dedupes in place: no shuffle, partitioner kept (SPARK-21436)', async function () {
      const pairs = randomPairs(41, 300, 5).map(([k, v]) => [k, v % 3] as [string, number]);
      const partitioned = fx.kc.parallelize(pairs, 3).partitionBy(new HashPartitioner(4)).cache();
      await partitioned.count();
      const d = partitioned.distinct();
      expect(d.partitioner?.equals(new HashPartitioner(4))).to.equal(true);
      const { result, rec } = await record(fx.kc, () => d.collect());
      expect(rec.stagesSubmitted).to.have.length(1);
      const want = [...new Set(pairs.map((p) => JSON.stringify(p)))].sort();
      expect(result.map((p) => JSON.stringify(p)).sort()).to.deep.equal(want);
      // A different partition count still shuffles, and the result is not partitioned.
      const reshuffled = partitioned.distinct(2);
      expect(reshuffled.partitioner).to.equal(undefined);
      expect(reshuffled.getNumPartitions()).to.equal(2);
      expect((await reshuffled.collect()).map((p) => JSON.stringify(p)).sort()).to.deep.equal(want);
      await partitioned.unpersist();
    });

    it('sorting an RDD with no partitions returns an empty result (textFile over an empty directory)', async function () {
      const empty = tmp.sub('empty-dir');
      fs.mkdirSync(empty);
      const lines = fx.kc.textFile(empty);
      expect(lines.getNumPartitions()).to.equal(0);
      expect(await lines.sortBy((l) => l).collect()).to.deep.equal([]);
      expect(await lines.map((l) => [l, 1] as [string, number]).sortByKey(false).collect()).to.deep.equal([]);
      expect(await fx.kc.emptyRDD<[number, number]>().sortByKey(true, 3).collect()).to.deep.equal([]);
      // 0 requested partitions on a non-empty RDD: one partition, as Spark's RangePartitioner.
      expect(await fx.kc.parallelize([[2, 'b'], [1, 'a']] as Array<[number, string]>, 2).sortByKey(true, 0).collect()).to.deep.equal([[1, 'a'], [2, 'b']]);
      expect(() => fx.kc.parallelize([[1, 1]] as Array<[number, number]>, 1).sortByKey(true, -1)).to.throw('Number of partitions cannot be negative but found -1.');
    });

    it('repartition balances its output: 1000 records in 250 partitions to 128 leave none empty', async function () {
      const sizes = await fx.kc
        .parallelize(Array.from({ length: 1000 }, (_, i) => i), 250)
        .repartition(128)
        .glom()
        .map((p) => p.length)
        .collect();
      expect(sizes).to.have.length(128);
      expect(sizes.reduce((a, b) => a + b, 0)).to.equal(1000);
      expect(Math.min(...sizes)).to.be.greaterThan(0);
      // Round robin from a start offset: sizes stay close to 1000 / 128.
      expect(Math.max(...sizes)).to.be.at.most(20);
      const few = await fx.kc.parallelize(Array.from({ length: 40 }, (_, i) => i), 1).repartition(8).glom().map((p) => p.length).collect();
      expect(few).to.deep.equal(new Array(8).fill(5));
    });

    it('a job failure keeps the whole cause chain of the task error, with messages and stacks', async function () {
      const err = await rejection(
        fx.kc
          .parallelize([1, 2, 3], 3)
          .map((x) => {
            if (x === 2) {
              const root = new RangeError('disk quota');
              throw new Error('write failed', { cause: new TypeError('bad handle', { cause: root }) });
            }
            return x;
          })
          .collect(),
      );
      expect(err).to.be.instanceOf(JobFailedError);
      const task = err.cause as TaskFailedError;
      expect(task).to.be.instanceOf(TaskFailedError);
      expect([task.remoteName, task.message]).to.deep.equal(['Error', 'write failed']);
      const inner = task.cause as TaskFailedError;
      expect([inner.remoteName, inner.message]).to.deep.equal(['TypeError', 'bad handle']);
      expect(inner.stack).to.match(/^TypeError: bad handle\n\s+at /);
      const root = inner.cause as TaskFailedError;
      expect([root.remoteName, root.message]).to.deep.equal(['RangeError', 'disk quota']);
      expect(root.stack).to.match(/^RangeError: disk quota\n\s+at /);
      expect(root.cause).to.equal(undefined);
      const plain = await rejection(fx.kc.parallelize([1], 1).map(() => { throw new Error('outer', { cause: 'just text' }); }).collect());
      expect(((plain.cause as Error).cause as Error).message).to.equal('just text');
    });
  });
}
