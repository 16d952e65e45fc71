import { expect } from 'chai';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BlockError, ProtocolError } from '../errors.js';
import { readIndexFile } from './index-file.js';
import { hashKey } from './key-hash.js';
import { fileSegmentFrames, readFrames } from './record-frames.js';
import { readShuffle } from './shuffle-reader.js';
import { type MapOutput, type ShuffleWriteOptions, writeShuffleOutput } from './shuffle-writer.js';
import type { SpillEvent } from './spill-event.js';
import {
  listAggregator,
  listDir,
  makeTempDir,
  newJsonKeyMap,
  removeDir,
  seededRandom,
  sumAggregator,
  UpdatableJsonKeyMap,
} from './shuffle.test-helper.js';

type Pair = [unknown, unknown];

const partitionOf = (n: number) => (key: unknown) => hashKey(key, 0) % n;

function partitionRecords(out: MapOutput, p: number): Pair[] {
  const { offset, length } = readIndexFile(out.indexFile, p, out.partitionLengths.length);
  const records: Pair[] = [];
  for (const batch of fileSegmentFrames(out.dataFile, offset, length)) records.push(...(batch as Pair[]));
  return records;
}

/** Records grouped by partition, in input order: what a correct writer must produce for plain records. */
function naivePartitions(records: Pair[], n: number): Pair[][] {
  const parts: Pair[][] = Array.from({ length: n }, () => []);
  for (const r of records) parts[partitionOf(n)(r[0])].push(r);
  return parts;
}

function words(count: number, distinct: number, seed = 1): Pair[] {
  const rnd = seededRandom(seed);
  return Array.from({ length: count }, () => [`word-${Math.floor(rnd() * distinct)}`, 1] as Pair);
}

describe('shuffle/shuffle-writer', () => {
  let outputDir: string;
  let spillDir: string;
  beforeEach(() => {
    outputDir = makeTempDir('out');
    spillDir = makeTempDir('spill');
  });
  afterEach(() => {
    removeDir(outputDir);
    removeDir(spillDir);
  });

  function options(overrides: Partial<ShuffleWriteOptions> = {}): ShuffleWriteOptions {
    const numPartitions = overrides.numPartitions ?? 7;
    return {
      shuffleId: 3,
      mapId: 5,
      numPartitions,
      getPartition: partitionOf(numPartitions),
      mapSideCombine: false,
      outputDir,
      spillDir,
      memoryBytes: 64 * 1024 * 1024,
      ...overrides,
    };
  }

  function expectOnlyOutputFiles(): void {
    expect(listDir(outputDir)).to.deep.equal(['shuffle_3_5_0.data', 'shuffle_3_5_0.index']);
    expect(listDir(spillDir)).to.deep.equal([]);
  }

  it('writes partitions in order with a consistent index, without spilling', () => {
    const records: Pair[] = Array.from({ length: 1000 }, (_, i) => [i % 3 === 0 ? `k${i}` : i, { i }]);
    const out = writeShuffleOutput(records, options());
    expect(out.spills).to.equal(0);
    expect(out.recordsWritten).to.equal(1000);
    expect(out.dataFile).to.equal(join(outputDir, 'shuffle_3_5_0.data'));
    expect(out.indexFile).to.equal(join(outputDir, 'shuffle_3_5_0.index'));
    expect(out.partitionLengths.reduce((a, b) => a + b, 0)).to.equal(statSync(out.dataFile).size);
    expect(statSync(out.indexFile).size).to.equal(8 * 8);
    const expected = naivePartitions(records, 7);
    let offset = 0;
    for (let p = 0; p < 7; p++) {
      expect(readIndexFile(out.indexFile, p)).to.deep.equal({ offset, length: out.partitionLengths[p] });
      offset += out.partitionLengths[p];
      expect(partitionRecords(out, p)).to.deep.equal(expected[p]);
    }
    expectOnlyOutputFiles();
  });

  it('gives empty partitions length 0 and accepts an iterator', () => {
    const records: Pair[] = [[1, 'a'], [3, 'b'], [1, 'c']];
    const out = writeShuffleOutput(records[Symbol.iterator](), options({ numPartitions: 5, getPartition: (k) => k as number }));
    expect(out.partitionLengths.map((l) => l > 0)).to.deep.equal([false, true, false, true, false]);
    expect(partitionRecords(out, 1)).to.deep.equal([[1, 'a'], [1, 'c']]);
    expect(partitionRecords(out, 4)).to.deep.equal([]);
    const empty = writeShuffleOutput([], options({ mapId: 6, numPartitions: 3 }));
    expect(empty.partitionLengths).to.deep.equal([0, 0, 0]);
    expect(statSync(empty.dataFile).size).to.equal(0);
    expect(readIndexFile(empty.indexFile, 2)).to.deep.equal({ offset: 0, length: 0 });
  });

  it('handles 10k partitions, with and without spills', () => {
    const n = 10_000;
    const records: Pair[] = Array.from({ length: 30_000 }, (_, i) => [i * 7919, i]);
    for (const memoryBytes of [64 * 1024 * 1024, 256 * 1024]) {
      const out = writeShuffleOutput(records, options({ numPartitions: n, getPartition: (k) => (k as number) % n, memoryBytes }));
      expect(statSync(out.indexFile).size).to.equal(8 * (n + 1));
      expect(out.recordsWritten).to.equal(records.length);
      for (const p of [0, 1, 4242, n - 1]) {
        expect(partitionRecords(out, p)).to.deep.equal(records.filter((r) => (r[0] as number) % n === p));
      }
      if (memoryBytes < 1024 * 1024) expect(out.spills).to.be.greaterThan(0);
      else expect(out.spills).to.equal(0);
      expectOnlyOutputFiles();
    }
  });

  it('writes the same output with forced spills: plain records, in order', () => {
    const rnd = seededRandom(7);
    const records: Pair[] = Array.from({ length: 50_000 }, (_, i) => [
      rnd() < 0.5 ? `s${Math.floor(rnd() * 1000)}` : [Math.floor(rnd() * 100), rnd() < 0.5],
      rnd() < 0.1 ? null : i % 3 === 0 ? BigInt(i) * 1_000_000_000_000n : `value-${i}`,
    ]);
    const out = writeShuffleOutput(records, options({ memoryBytes: 4 * 1024 }));
    expect(out.spills).to.be.greaterThan(100); // far more than one merge pass can open
    expect(out.recordsWritten).to.equal(records.length);
    const expected = naivePartitions(records, 7);
    for (let p = 0; p < 7; p++) expect(partitionRecords(out, p)).to.deep.equal(expected[p]);
    expectOnlyOutputFiles();
  });

  it('combines on the map side with forced spills (word count)', () => {
    const records = words(50_000, 3000);
    const out = writeShuffleOutput(
      records,
      options({ aggregator: sumAggregator, mapSideCombine: true, newKeyMap: newJsonKeyMap, memoryBytes: 4 * 1024 }),
    );
    expect(out.spills).to.be.greaterThan(0);
    expect(out.recordsWritten).to.be.lessThan(records.length); // combining happened before writing
    const naive = new Map<string, number>();
    for (const [w] of records) naive.set(w as string, (naive.get(w as string) ?? 0) + 1);
    const counted = new Map<string, number>();
    for (let p = 0; p < 7; p++) {
      const reader = readShuffle([fileSegmentFrames(out.dataFile, ...segment(out, p))], {
        aggregator: sumAggregator,
        mapSideCombined: true,
        newKeyMap: newJsonKeyMap,
        spillDir,
        memoryBytes: 64 * 1024 * 1024,
      });
      for (const [k, c] of reader) {
        expect(partitionOf(7)(k)).to.equal(p);
        expect(counted.has(k as string)).to.equal(false);
        counted.set(k as string, c as number);
      }
    }
    expect(counted).to.deep.equal(naive);
    expectOnlyOutputFiles();
  });

  it('partitions combiners once per distinct key, keeping first-seen key order within a partition', () => {
    const records: Pair[] = Array.from({ length: 9000 }, (_, i) => [`k${(i * 7) % 300}`, 1]);
    let calls = 0;
    const getPartition = (k: unknown) => {
      calls++;
      return partitionOf(7)(k);
    };
    const out = writeShuffleOutput(records, options({ aggregator: sumAggregator, mapSideCombine: true, newKeyMap: newJsonKeyMap, getPartition }));
    expect(out.spills).to.equal(0);
    expect(calls).to.equal(300);
    const firstSeen = [...new Set(records.map((r) => r[0]))];
    for (let p = 0; p < 7; p++) {
      const expected = firstSeen.filter((k) => partitionOf(7)(k) === p).map((k) => [k, 30]);
      expect(partitionRecords(out, p)).to.deep.equal(expected);
    }
    expectOnlyOutputFiles();
  });

  it('rejects a bad partition under map-side combine and leaves nothing behind', () => {
    for (const memoryBytes of [64 * 1024 * 1024, 2 * 1024]) {
      const records: Pair[] = Array.from({ length: 3000 }, (_, i) => [`k${i % 500}`, 1]);
      const getPartition = (k: unknown) => (k === 'k499' ? 7 : 0);
      expect(() =>
        writeShuffleOutput(records, options({ aggregator: sumAggregator, mapSideCombine: true, newKeyMap: newJsonKeyMap, getPartition, memoryBytes })),
      ).to.throw('getPartition returned 7');
      expect(listDir(outputDir)).to.deep.equal([]);
      expect(listDir(spillDir)).to.deep.equal([]);
    }
  });

  it('combines through update() and array keys on the map side', () => {
    const records: Pair[] = Array.from({ length: 5000 }, (_, i) => [[i % 13, `x${i % 3}`], 1]);
    const newKeyMap = () => new UpdatableJsonKeyMap<unknown>();
    const out = writeShuffleOutput(
      records,
      options({ aggregator: sumAggregator, mapSideCombine: true, newKeyMap, memoryBytes: 2 * 1024 }),
    );
    expect(out.spills).to.be.greaterThan(0);
    const counts = new Map<string, number>();
    for (let p = 0; p < 7; p++) {
      for (const [k, c] of partitionRecords(out, p)) counts.set(JSON.stringify(k), (counts.get(JSON.stringify(k)) ?? 0) + (c as number));
    }
    expect(counts.size).to.equal(39);
    expect([...counts.values()].reduce((a, b) => a + b, 0)).to.equal(5000);
  });

  it('shuffles groupByKey-style lists with forced spills and no map-side combine', () => {
    const rnd = seededRandom(3);
    const records: Pair[] = Array.from({ length: 50_000 }, (_, i) => [Math.floor(rnd() * 500), i]);
    const out = writeShuffleOutput(records, options({ aggregator: listAggregator, mapSideCombine: false, memoryBytes: 4 * 1024 }));
    expect(out.spills).to.be.greaterThan(0);
    const naive = new Map<number, number[]>();
    for (const [k, v] of records) naive.set(k as number, [...(naive.get(k as number) ?? []), v as number]);
    const grouped = new Map<number, number[]>();
    for (let p = 0; p < 7; p++) {
      const reader = readShuffle([fileSegmentFrames(out.dataFile, ...segment(out, p))], {
        aggregator: listAggregator,
        mapSideCombined: false,
        newKeyMap: newJsonKeyMap,
        spillDir,
        memoryBytes: 4 * 1024,
      });
      for (const [k, list] of reader) grouped.set(k as number, (list as number[]).sort((a, b) => a - b));
    }
    expect(grouped).to.deep.equal(naive);
    expectOnlyOutputFiles();
  });

  it('bounds the records held in memory', () => {
    const memoryBytes = 64 * 1024;
    const events: SpillEvent[] = [];
    const records: Pair[] = Array.from({ length: 50_000 }, (_, i) => [`key-${i % 977}`, i]);
    const out = writeShuffleOutput(records, options({ memoryBytes, onSpill: (e) => events.push(e) }));
    // Each record is at least ~40 heap bytes, so a 64 KiB budget cannot justify holding more than this.
    const maxHeld = memoryBytes / 40;
    expect(events.length).to.equal(out.spills).and.to.be.greaterThan(records.length / maxHeld - 1);
    for (const e of events) {
      expect(e.kind).to.equal('map-output');
      expect(e.records).to.be.at.most(maxHeld);
      expect(e.estimatedBytes).to.be.greaterThan(memoryBytes).and.at.most(memoryBytes * 1.1);
    }
    const spilled = events.reduce((n, e) => n + e.records, 0);
    expect(records.length - spilled).to.be.at.most(maxHeld); // the in-memory remainder at the end

    // With combining: the geometric size tracker must bound memory as well.
    const combineEvents: SpillEvent[] = [];
    writeShuffleOutput(
      words(50_000, 20_000),
      options({ mapId: 6, aggregator: sumAggregator, mapSideCombine: true, newKeyMap: newJsonKeyMap, memoryBytes,
        onSpill: (e) => combineEvents.push(e) }),
    );
    expect(combineEvents.length).to.be.greaterThan(3);
    for (const e of combineEvents) expect(e.records).to.be.at.most(maxHeld);
  });

  it('leaves nothing behind when the input fails midway', () => {
    function* failing(): Generator<Pair> {
      for (let i = 0; i < 30_000; i++) yield [`k${i % 100}`, i];
      throw new Error('boom');
    }
    for (const mapSideCombine of [false, true]) {
      expect(() =>
        writeShuffleOutput(failing(), options({ aggregator: sumAggregator, mapSideCombine, newKeyMap: newJsonKeyMap, memoryBytes: 4 * 1024 })),
      ).to.throw('boom');
      expect(listDir(outputDir)).to.deep.equal([]);
      expect(listDir(spillDir)).to.deep.equal([]);
    }
    expect(() => writeShuffleOutput([[1, 1]], options({ getPartition: () => 7 }))).to.throw('getPartition returned 7');
    expect(listDir(outputDir)).to.deep.equal([]);
  });

  it('replaces an earlier attempt atomically', () => {
    writeShuffleOutput([['a', 1]], options());
    const out = writeShuffleOutput([['b', 2]], options());
    const all: Pair[] = [];
    for (let p = 0; p < 7; p++) all.push(...partitionRecords(out, p));
    expect(all).to.deep.equal([['b', 2]]);
    expectOnlyOutputFiles();
  });

  it('validates index files', () => {
    const out = writeShuffleOutput([['a', 1]], options());
    expect(() => readIndexFile(out.indexFile, 7)).to.throw(BlockError, 'out of range');
    expect(() => readIndexFile(out.indexFile, 0, 8)).to.throw(ProtocolError, 'expected 72');
    const bad = join(outputDir, 'bad.index');
    writeFileSync(bad, Buffer.alloc(20));
    expect(() => readIndexFile(bad, 0)).to.throw(ProtocolError, bad);
    expect(() => writeShuffleOutput([], options({ numPartitions: 0 }))).to.throw('numPartitions');
    expect(() => writeShuffleOutput([], options({ mapSideCombine: true }))).to.throw('requires an aggregator');
  });

  it('writes frames a buffer reader can decode too', () => {
    const out = writeShuffleOutput([['x', 1n], ['y', [1, 2]]], options({ numPartitions: 1, getPartition: () => 0 }));
    expect([...readFrames(readFileSync(out.dataFile))].flat()).to.deep.equal([['x', 1n], ['y', [1, 2]]]);
  });
});

function segment(out: MapOutput, p: number): [number, number] {
  const { offset, length } = readIndexFile(out.indexFile, p);
  return [offset, length];
}
