import { expect } from 'chai';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { IllegalArgumentError } from '@kindling/core';
import { rejection } from '../helpers/assertions.js';
import { useContext, useTempDir } from '../helpers/context.js';
import { randomPairs } from '../helpers/data.js';
import { MASTERS } from './masters.js';

function partFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.startsWith('part-')).sort();
}

for (const master of MASTERS) {
  describe(`object, whole-text and gzip files on ${master}`, function () {
    this.timeout(120000);
    const fx = useContext({ master });
    const tmp = useTempDir('kindling-files-');

    it('saveAsObjectFile and objectFile round-trip structured records (V8 serialization)', async function () {
      const records = [...randomPairs(51, 300, 20), { nested: [1, { big: 10n }] }, null, new Map([[1, 'a']]), 'text', 3.5];
      const out = tmp.sub('objects');
      await fx.kc.parallelize(records, 4).saveAsObjectFile(out);
      expect(partFiles(out)).to.deep.equal(['part-00000', 'part-00001', 'part-00002', 'part-00003']);
      expect(fs.existsSync(path.join(out, '_SUCCESS'))).to.equal(true);
      const back = fx.kc.objectFile(out);
      expect(back.getNumPartitions()).to.equal(4);
      expect(await back.collect()).to.deep.equal(records);
      await rejection(fx.kc.parallelize([1], 1).saveAsObjectFile(out)).then((e) => expect(e.message).to.include('already exists'));
      await fx.kc.emptyRDD().saveAsObjectFile(tmp.sub('empty'));
    });

    it('wholeTextFiles yields [file:path, content] per visible file, packed into at most minPartitions splits', async function () {
      const dir = tmp.sub('whole');
      fs.mkdirSync(dir);
      const files = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`f${i}.txt`, `line ${i}\nsecond ${'x'.repeat(i * 10)}\n`]));
      for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
      fs.writeFileSync(path.join(dir, 'z.gz'), zlib.gzipSync('compressed\ncontent'));
      fs.writeFileSync(path.join(dir, '_hidden'), 'no');
      fs.writeFileSync(path.join(dir, '.dot'), 'no');
      const rdd = fx.kc.wholeTextFiles(dir, 2);
      expect(rdd.getNumPartitions()).to.be.within(1, 3);
      const got = new Map(await rdd.collect());
      const want = new Map([...Object.entries(files), ['z.gz', 'compressed\ncontent']].map(([n, t]) => [`file:${path.join(dir, n)}`, t]));
      expect(got).to.deep.equal(want);
      expect(() => fx.kc.wholeTextFiles(path.join(dir, 'missing'))).to.throw(IllegalArgumentError, 'Input path does not exist');
    });

    it('saveAsTextFile with the gzip codec writes part-NNNNN.gz that gunzip and textFile read back', async function () {
      const lines = Array.from({ length: 5000 }, (_, i) => `row ${i} ${'abc'.repeat(i % 50)}`);
      const out = tmp.sub('gz');
      await fx.kc.parallelize(lines, 3).saveAsTextFile(out, { codec: 'gzip' });
      expect(partFiles(out)).to.deep.equal(['part-00000.gz', 'part-00001.gz', 'part-00002.gz']);
      const viaZlib = partFiles(out).flatMap((f) => zlib.gunzipSync(fs.readFileSync(path.join(out, f))).toString('utf8').split('\n').slice(0, -1));
      expect(viaZlib).to.deep.equal(lines);
      const back = fx.kc.textFile(out, 10);
      expect(back.getNumPartitions()).to.equal(3); // one split per gzip file, whatever minPartitions says
      expect(await back.collect()).to.deep.equal(lines);
      await rejection(async () => fx.kc.parallelize(lines, 1).saveAsTextFile(tmp.sub('bad'), { codec: 'snappy' as 'gzip' })).then((e) =>
        expect(e.message).to.include("Unknown compression codec 'snappy'"),
      );
    });

    // The large-file path is the same executor code in both modes; run it once to keep the suite quick.
    (master === MASTERS[0] ? it : it.skip)('textFile reads a gzip file larger than the in-memory limit by streaming it to scratch space', async function () {
      const file = path.join(tmp.dir, 'big.txt.gz');
      // Random hex barely compresses, so ~9 MiB of gzip needs ~18 MiB of text.
      const lines = Array.from({ length: 9000 }, (_, i) => `${i} ${crypto.randomBytes(1024).toString('hex')}`);
      fs.writeFileSync(file, zlib.gzipSync(lines.join('\n') + '\n', { level: 1 }));
      expect(fs.statSync(file).size).to.be.greaterThan(8 * 1024 * 1024);
      const rdd = fx.kc.textFile(file);
      expect(rdd.getNumPartitions()).to.equal(1);
      expect(await rdd.count()).to.equal(lines.length);
      expect(await rdd.map((l) => l.split(' ')[0]).collect()).to.deep.equal(lines.map((l) => l.split(' ')[0]));
    });

    it('a corrupt gzip file fails the job with a message naming the file', async function () {
      const file = path.join(tmp.dir, 'broken.gz');
      fs.writeFileSync(file, Buffer.from('not gzip at all'));
      const err = await rejection(fx.kc.textFile(file).collect());
      expect(err.message).to.include(`Cannot decompress gzip file ${file}`);
    });

    it('kc.union, kc.emptyRDD and kc.makeRDD with preferred locations', async function () {
      const a = fx.kc.parallelize([1, 2], 2);
      const b = fx.kc.parallelize([3], 1);
      const u = fx.kc.union([a, b, a]);
      expect(u.getNumPartitions()).to.equal(5);
      expect(await u.collect()).to.deep.equal([1, 2, 3, 1, 2]);
      expect(() => fx.kc.union([])).to.throw(IllegalArgumentError);
      const empty = fx.kc.emptyRDD<number>();
      expect([empty.getNumPartitions(), await empty.count(), await empty.collect()]).to.deep.equal([0, 0, []]);
      const located = fx.kc.makeRDD([['x', ['hostA']], ['y', ['hostB', 'hostC']]]);
      expect(located.getNumPartitions()).to.equal(2);
      expect(located.preferredLocations(1)).to.deep.equal(['hostB', 'hostC']);
      expect(await located.collect()).to.deep.equal(['x', 'y']);
      expect(await fx.kc.makeRDD([1, 2, 3], 2).glom().collect()).to.deep.equal([[1], [2, 3]]);
    });
  });
}
