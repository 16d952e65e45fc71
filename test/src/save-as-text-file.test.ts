import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JobFailedError, type KindlingContext } from '@kindling/core';
import { typedModule, type FsModule } from './helpers/modules.js';
import { useContext, useTempDir, withContext } from './helpers/context.js';
import { randomInts, randomPairs } from './helpers/data.js';
import { rejection } from './helpers/assertions.js';
import { recordFailure, record } from './helpers/listener-recorder.js';

/** Spark's record text: tuples as (a,b), recursively. */
function text(x: unknown): string {
  if (Array.isArray(x)) return `(${x.map(text).join(',')})`;
  return String(x);
}

/** Spark's parallelize slicing. */
function slices<T>(data: readonly T[], s: number): T[][] {
  return Array.from({ length: s }, (_, i) => data.slice(Math.floor((i * data.length) / s), Math.floor(((i + 1) * data.length) / s)));
}

function partName(i: number): string {
  return `part-${String(i).padStart(5, '0')}`;
}

function listing(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}

describe('saveAsTextFile', function () {
  const fx = useContext({ master: 'local[2]' });
  const tmp = useTempDir('kindling-save-');

  for (const s of [1, 3, 12]) {
    it(`writes part-NNNNN per partition plus _SUCCESS (${s} partitions)`, async function () {
      const data = randomInts(40 + s, 25);
      const out = tmp.sub('nums');
      await fx.kc.parallelize(data, s).saveAsTextFile(out);
      expect(listing(out)).to.deep.equal([...Array.from({ length: s }, (_, i) => partName(i)), '_SUCCESS'].sort());
      expect(fs.readFileSync(path.join(out, '_SUCCESS'), 'utf8')).to.equal('');
      slices(data, s).forEach((part, i) => {
        const content = fs.readFileSync(path.join(out, partName(i)), 'utf8');
        expect(content, partName(i)).to.equal(part.map((x) => `${x}\n`).join(''));
      });
      // Read back through textFile: the directory's visible files are exactly the records.
      expect(await fx.kc.textFile(out).collect()).to.deep.equal(data.map(String));
    });
  }

  it('writes an empty part file for each empty partition', async function () {
    const out = tmp.sub('sparse');
    await fx.kc.parallelize(['x', 'y', 'z'], 5).saveAsTextFile(out);
    expect(listing(out)).to.deep.equal([0, 1, 2, 3, 4].map(partName).concat('_SUCCESS').sort());
    const contents = [0, 1, 2, 3, 4].map((i) => fs.readFileSync(path.join(out, partName(i)), 'utf8'));
    expect(contents).to.deep.equal(slices(['x', 'y', 'z'], 5).map((p) => p.map((x) => `${x}\n`).join('')));
    expect(contents.filter((c) => c === '')).to.have.length(2);
  });

  it('writes pairs as (a,b) and nested tuples as (k,(v,w))', async function () {
    const pairs = randomPairs(3, 30, 5);
    const out = tmp.sub('pairs');
    await fx.kc.parallelize(pairs, 2).saveAsTextFile(out);
    expect(await fx.kc.textFile(out).collect()).to.deep.equal(pairs.map(text));
    expect((await fx.kc.textFile(out).first())).to.match(/^\(k\d+,-?\d+\)$/);

    const left = fx.kc.parallelize([['a', 1], ['b', 2], ['a', 3]] as Array<[string, number]>, 2);
    const right = fx.kc.parallelize([['a', 'x'], ['c', 'y']] as Array<[string, string]>, 1);
    const joined = left.leftOuterJoin(right, 1);
    const expected = (await joined.collect()).map(text);
    const out2 = tmp.sub('joined');
    await joined.saveAsTextFile(out2);
    const written = fs.readFileSync(path.join(out2, partName(0)), 'utf8').split('\n').slice(0, -1);
    expect(written).to.deep.equal(expected);
    expect(written).to.include('(b,(2,null))');
    expect(written).to.include.members(['(a,(1,x))', '(a,(3,x))']);
  });

  it('fails when the output directory exists and leaves it untouched', async function () {
    const out = tmp.sub('exists');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'keep.txt'), 'precious');
    const err = await rejection(fx.kc.parallelize([1, 2, 3], 2).saveAsTextFile(out));
    expect(err.message).to.match(/already exists/);
    expect(err.message).to.include(out);
    expect(listing(out)).to.deep.equal(['keep.txt']);
    expect(fs.readFileSync(path.join(out, 'keep.txt'), 'utf8')).to.equal('precious');
    // Also when the existing directory is the output of an earlier save.
    const prev = tmp.sub('again');
    await fx.kc.parallelize([1], 1).saveAsTextFile(prev);
    await rejection(fx.kc.parallelize([2], 1).saveAsTextFile(prev));
    expect(fs.readFileSync(path.join(prev, partName(0)), 'utf8')).to.equal('1\n');
  });

  it('a job whose task throws leaves no part file for that partition and no _SUCCESS', async function () {
    const out = tmp.sub('failed');
    const data = Array.from({ length: 40 }, (_, i) => i);
    const rdd = fx.kc.parallelize(data, 4).mapPartitionsWithIndex(function* (i, it, env) {
      let n = 0;
      for (const x of it) {
        if (i === env.bad && n++ === 3) throw new Error(`partition ${i} is broken`);
        yield x;
      }
    }, { bad: 2 });
    const { error } = await recordFailure(fx.kc, () => rdd.saveAsTextFile(out));
    expect(error).to.be.instanceOf(JobFailedError);
    expect(error.message).to.include('partition 2 is broken');
    // v1 commit protocol: nothing reached the output directory, and the abort removed it.
    expect(fs.existsSync(out), 'the failed job left no output directory').to.equal(false);
    // The same path can be used again.
    await fx.kc.parallelize(data, 4).saveAsTextFile(out);
    expect(listing(out)).to.include('_SUCCESS');
  });

  it('with retries, a task that fails on its first attempt still yields exactly one correct part file', async function () {
    const markers = tmp.sub('markers');
    fs.mkdirSync(markers);
    const out = tmp.sub('retried');
    const data = randomInts(8, 300);
    await withContext({ master: 'local[2,3]' }, async (kc: KindlingContext) => {
      // Partitions 0, 2 and 4 fail half-way through writing on their first attempt.
      const rdd = kc.parallelize(data, 5).mapPartitionsWithIndex(
        function* (i, it, env) {
          let n = 0;
          for (const x of it) {
            if (i % 2 === 0 && n++ === 30) {
              const marker = `${env.dir}/attempted-${i}`;
              if (!env.fs.existsSync(marker)) {
                env.fs.writeFileSync(marker, '');
                throw new Error(`first attempt of partition ${i} fails`);
              }
            }
            yield x;
          }
        },
        { dir: markers, fs: typedModule<FsModule>('node:fs') },
      );
      const { rec } = await record(kc, () => rdd.saveAsTextFile(out));
      const failed = rec.tasksEnded.filter((t) => !t.successful);
      expect(failed.map((t) => t.partition).sort()).to.deep.equal([0, 2, 4]);
      expect(failed.every((t) => t.attempt === 0 && t.endReason === 'exception')).to.equal(true);
      const retried = rec.tasksEnded.filter((t) => t.successful && [0, 2, 4].includes(t.partition));
      expect(retried.map((t) => t.attempt)).to.deep.equal([1, 1, 1]);
    });
    expect(listing(markers)).to.deep.equal(['attempted-0', 'attempted-2', 'attempted-4']);
    expect(listing(out)).to.deep.equal([0, 1, 2, 3, 4].map(partName).concat('_SUCCESS').sort());
    slices(data, 5).forEach((part, i) => {
      expect(fs.readFileSync(path.join(out, partName(i)), 'utf8'), partName(i)).to.equal(part.map((x) => `${x}\n`).join(''));
    });
    expect(fs.existsSync(path.join(out, '_temporary'))).to.equal(false);
  });
});
