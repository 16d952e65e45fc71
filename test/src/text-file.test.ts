import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useContext, useTempDir } from './helpers/context.js';
import { seededRandom } from './helpers/data.js';
import { rejection } from './helpers/assertions.js';
import { record } from './helpers/listener-recorder.js';

/** Lines of a file's bytes as Spark reads them: split on \n, drop the \r of CRLF, no line after a final \n. */
function expectedLines(content: Buffer): string[] {
  const text = content.toString('utf8');
  if (text.length === 0) return [];
  const parts = text.split('\n');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/** Byte offset where each line starts. */
function lineStarts(content: Buffer): number[] {
  if (content.length === 0) return [];
  const starts = [0];
  for (let i = 0; i < content.length - 1; i++) if (content[i] === 0x0a) starts.push(i + 1);
  return starts;
}

/** Hadoop FileInputFormat.getSplits for one local file (block size 32 MiB, SPLIT_SLOP 1.1). */
function hadoopSplits(size: number, minPartitions: number): Array<{ start: number; end: number }> {
  const goal = Math.floor(size / Math.max(minPartitions, 1));
  const splitSize = Math.max(1, Math.min(goal, 32 * 1024 * 1024));
  const out: Array<{ start: number; end: number }> = [];
  if (size === 0) return [{ start: 0, end: 0 }];
  let remaining = size;
  while (remaining / splitSize > 1.1) {
    out.push({ start: size - remaining, end: size - remaining + splitSize });
    remaining -= splitSize;
  }
  if (remaining > 0) out.push({ start: size - remaining, end: size });
  return out;
}

/** Random lines mixing ASCII, 2-, 3- and 4-byte UTF-8 characters, empty lines and a long line. */
function randomText(seed: number, count: number): string[] {
  const rand = seededRandom(seed);
  const alphabet = ['a', 'b', 'z', ' ', 'é', 'ß', '€', '中', '😀', '𝄞', ',', '\t'];
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const r = rand();
    const len = r < 0.15 ? 0 : r < 0.95 ? Math.floor(rand() * 12) : 60 + Math.floor(rand() * 60);
    let s = '';
    for (let j = 0; j < len; j++) s += alphabet[Math.floor(rand() * alphabet.length)];
    lines.push(s);
  }
  return lines;
}

const VARIANTS: Array<{ name: string; content: () => Buffer }> = [
  { name: 'LF with trailing newline', content: () => Buffer.from(randomText(1, 60).join('\n') + '\n') },
  { name: 'LF without trailing newline', content: () => Buffer.from(randomText(2, 60).join('\n')) },
  { name: 'CRLF line endings', content: () => Buffer.from(randomText(3, 60).join('\r\n') + '\r\n') },
  { name: 'CRLF without trailing newline', content: () => Buffer.from(randomText(4, 50).join('\r\n')) },
  { name: 'multi-byte characters only', content: () => Buffer.from(Array.from({ length: 40 }, (_, i) => '😀€é'.repeat(i % 5)).join('\n') + '\n') },
  { name: 'many empty lines', content: () => Buffer.from('\n\n\na\n\n\n\nbb\n\n') },
  { name: 'one long line spanning every split', content: () => Buffer.from('x'.repeat(400) + '\nshort\n' + '€'.repeat(100)) },
  { name: 'a single newline', content: () => Buffer.from('\n') },
  { name: 'a single line without newline', content: () => Buffer.from('only line') },
];

describe('textFile', function () {
  const fx = useContext({ master: 'local[2]' });
  const tmp = useTempDir('kindling-text-');

  it('reads a file\'s lines in order', async function () {
    const file = path.join(tmp.dir, 'simple.txt');
    const lines = ['first', 'second line', '', 'fourth'];
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const rdd = fx.kc.textFile(file);
    expect(rdd.getNumPartitions()).to.equal(2); // defaultMinPartitions = min(defaultParallelism, 2)
    expect(await rdd.collect()).to.deep.equal(lines);
    expect(await rdd.count()).to.equal(4);
  });

  it('reads every visible file of a directory, ignoring hidden and underscore files', async function () {
    const dir = tmp.sub('dir');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'b.txt'), 'b1\nb2\n');
    fs.writeFileSync(path.join(dir, 'a.txt'), 'a1\na2\na3');
    fs.writeFileSync(path.join(dir, 'c.txt'), '');
    fs.writeFileSync(path.join(dir, '.hidden'), 'hidden\n');
    fs.writeFileSync(path.join(dir, '_SUCCESS'), '');
    fs.writeFileSync(path.join(dir, '_metadata'), 'meta\n');
    fs.writeFileSync(path.join(dir, '.part-00000.crc'), 'crc\n');
    fs.mkdirSync(path.join(dir, '_temporary'));
    fs.writeFileSync(path.join(dir, '_temporary', 'x.txt'), 'temp\n');
    const got = await fx.kc.textFile(dir, 3).collect();
    expect(got).to.deep.equal(['a1', 'a2', 'a3', 'b1', 'b2']);
  });

  it('an empty directory gives an empty RDD', async function () {
    const dir = tmp.sub('empty-dir');
    fs.mkdirSync(dir);
    const rdd = fx.kc.textFile(dir);
    expect(await rdd.collect()).to.deep.equal([]);
    expect(await rdd.count()).to.equal(0);
  });

  it('an empty file gives no lines', async function () {
    const file = tmp.sub('empty.txt');
    fs.writeFileSync(file, '');
    for (const minPartitions of [1, 4]) expect(await fx.kc.textFile(file, minPartitions).collect()).to.deep.equal([]);
  });

  it('a missing path fails with "Input path does not exist"', async function () {
    const missing = path.join(tmp.dir, 'no', 'such', 'file.txt');
    const err = await rejection(async () => fx.kc.textFile(missing).collect());
    expect(err.message).to.include('Input path does not exist');
    expect(err.message).to.include(missing);
  });

  it('minPartitions gives at least that many splits for a big enough file', async function () {
    const file = path.join(tmp.dir, 'big.txt');
    const lines = Array.from({ length: 5000 }, (_, i) => `record number ${i}`);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    for (const minPartitions of [1, 2, 5, 16, 33]) {
      const rdd = fx.kc.textFile(file, minPartitions);
      expect(rdd.getNumPartitions(), `minPartitions ${minPartitions}`).to.be.at.least(minPartitions);
      const { result, rec } = await record(fx.kc, () => rdd.collect());
      expect(result).to.deep.equal(lines);
      expect(rec.tasksEnded).to.have.length(rdd.getNumPartitions());
    }
  });

  describe('line-boundary rule: a line belongs to the split holding its first byte', function () {
    for (const v of VARIANTS) {
      it(`${v.name}: every line exactly once for minPartitions 1..20`, async function () {
        const content = v.content();
        const file = tmp.sub('lines') + '.txt';
        fs.writeFileSync(file, content);
        const lines = expectedLines(content);
        const starts = lineStarts(content);
        expect(starts).to.have.length(lines.length);
        for (let minPartitions = 1; minPartitions <= 20; minPartitions++) {
          const rdd = fx.kc.textFile(file, minPartitions);
          const splits = hadoopSplits(content.length, minPartitions);
          expect(rdd.getNumPartitions(), `splits for minPartitions ${minPartitions}`).to.equal(splits.length);
          const perPartition = await rdd.mapPartitionsWithIndex((i, it) => [[i, Array.from(it)] as [number, string[]]]).collect();
          const expected = splits.map(({ start, end }) => lines.filter((_, j) => starts[j]! >= start && starts[j]! < end));
          expect(perPartition.map(([, ls]) => ls), `minPartitions ${minPartitions}`).to.deep.equal(expected);
          expect(perPartition.flatMap(([, ls]) => ls)).to.deep.equal(lines);
        }
      });
    }

    it('files in a directory are split independently', async function () {
      const dir = tmp.sub('multi');
      fs.mkdirSync(dir);
      const files = ['p.txt', 'q.txt', 'r.txt'].map((name, i) => {
        const content = Buffer.from(randomText(10 + i, 30 + 10 * i).join(i === 1 ? '\r\n' : '\n'));
        fs.writeFileSync(path.join(dir, name), content);
        return content;
      });
      const all = files.flatMap(expectedLines);
      for (const minPartitions of [1, 2, 3, 7, 13, 20]) {
        const rdd = fx.kc.textFile(dir, minPartitions);
        expect(rdd.getNumPartitions()).to.be.at.least(Math.min(minPartitions, 3));
        expect(await rdd.collect(), `minPartitions ${minPartitions}`).to.deep.equal(all);
      }
    });
  });

  it('reads lines across the reader\'s internal chunks of a multi-megabyte file', async function () {
    this.timeout(30000);
    const file = path.join(tmp.dir, 'large.txt');
    const rand = seededRandom(99);
    const lines = Array.from({ length: 120000 }, (_, i) => `${i}:${'€x'.repeat(Math.floor(rand() * 40))}`);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    for (const minPartitions of [1, 3]) {
      const rdd = fx.kc.textFile(file, minPartitions);
      expect(await rdd.count()).to.equal(lines.length);
      const bad = await rdd
        .mapPartitions((it) => {
          let wrong = 0;
          let prev = -1;
          for (const line of it) {
            const n = Number(line.slice(0, line.indexOf(':')));
            if (n !== prev + 1 && prev !== -1) wrong++;
            if (!/^\d+:(€x)*$/.test(line)) wrong++;
            prev = n;
          }
          return [wrong];
        })
        .collect();
      expect(bad.reduce((a, b) => a + b, 0), `minPartitions ${minPartitions}`).to.equal(0);
    }
  });
});
