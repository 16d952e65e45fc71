import { expect } from 'chai';
import { closeSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { IllegalArgumentError } from '../errors.js';
import { FrameWriter, fileSegmentFrames } from './record-frames.js';
import { type ShuffleBlockSource, type ShuffleReadOptions, readShuffle } from './shuffle-reader.js';
import type { SpillEvent } from './spill-event.js';
import {
  compareSimple,
  listAggregator,
  listDir,
  makeTempDir,
  newJsonKeyMap,
  openFdCount,
  removeDir,
  seededRandom,
  sumAggregator,
  UpdatableJsonKeyMap,
} from './shuffle.test-helper.js';

type Pair = [unknown, unknown];

/** Splits records into several in-memory sources of small batches, like fetched blocks. */
function sources(records: Pair[], count = 5, batch = 100): ShuffleBlockSource[] {
  const out: unknown[][][] = Array.from({ length: count }, () => []);
  for (let i = 0; i < records.length; i += batch) out[(i / batch) % count].push(records.slice(i, i + batch));
  return out;
}

function inputOrder(records: Pair[], count = 5, batch = 100): Pair[] {
  return sources(records, count, batch).flatMap((s) => [...s].flat() as Pair[]);
}

function randomPairs(n: number, distinct: number, seed: number): Pair[] {
  const rnd = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => [`k${Math.floor(rnd() * distinct)}`, i]);
}

function naiveSums(records: Pair[]): Map<unknown, number> {
  const m = new Map<unknown, number>();
  for (const [k, v] of records) m.set(k, (m.get(k) ?? 0) + (v as number));
  return m;
}

describe('shuffle/shuffle-reader', () => {
  let spillDir: string;
  beforeEach(() => {
    spillDir = makeTempDir('read');
  });
  afterEach(() => removeDir(spillDir));

  const opts = (o: Partial<ShuffleReadOptions> = {}): ShuffleReadOptions => ({
    mapSideCombined: false,
    newKeyMap: newJsonKeyMap,
    spillDir,
    memoryBytes: 64 * 1024 * 1024,
    ...o,
  });

  it('streams records in source order without buffering', () => {
    const records = randomPairs(1000, 50, 1);
    expect([...readShuffle(sources(records), opts())]).to.deep.equal(inputOrder(records));
    let pulled = 0;
    function* lazy(): Generator<unknown[]> {
      for (let i = 0; i < 10; i++) {
        pulled++;
        yield [[i, i]];
      }
    }
    const it = readShuffle([lazy()], opts());
    expect(pulled).to.equal(0); // nothing happens before next()
    expect(it.next().value).to.deep.equal([0, 0]);
    expect(pulled).to.equal(1);
    expect(it[Symbol.iterator]()).to.equal(it);
  });

  it('aggregates with forced spills to the same result as a Map', () => {
    const records = randomPairs(50_000, 20_000, 2);
    const events: SpillEvent[] = [];
    const result = new Map<unknown, unknown>();
    for (const [k, c] of readShuffle(sources(records), opts({ aggregator: sumAggregator, memoryBytes: 4 * 1024, onSpill: (e) => events.push(e) }))) {
      expect(result.has(k)).to.equal(false);
      result.set(k, c);
    }
    expect(result).to.deep.equal(naiveSums(records));
    expect(events.filter((e) => e.kind === 'aggregation').length).to.be.greaterThan(10);
    expect(listDir(spillDir)).to.deep.equal([]);
  });

  it('uses the map\'s single-lookup update() when present', () => {
    const records = randomPairs(20_000, 8_000, 10);
    const maps: UpdatableJsonKeyMap<unknown>[] = [];
    const newKeyMap = () => {
      const m = new UpdatableJsonKeyMap<unknown>();
      maps.push(m);
      return m;
    };
    const result = new Map(readShuffle(sources(records), opts({ aggregator: sumAggregator, newKeyMap, memoryBytes: 4 * 1024 })));
    expect(result).to.deep.equal(naiveSums(records));
    expect(maps.reduce((n, m) => n + m.updates, 0)).to.be.at.least(records.length);
  });

  it('keeps undefined combiners apart from missing keys when the map has has()', () => {
    const firstValue = { createCombiner: (v: unknown) => v, mergeValue: (c: unknown) => c, mergeCombiners: (a: unknown) => a };
    const records: Pair[] = [['a', undefined], ['a', 1], ['b', 2], ['b', undefined]];
    const result = new Map(readShuffle([[records]], opts({ aggregator: firstValue })));
    expect(result).to.deep.equal(new Map<unknown, unknown>([['a', undefined], ['b', 2]]));
  });

  it('merges incoming combiners when the map side combined', () => {
    const records = randomPairs(30_000, 5_000, 3).map(([k, v]) => [k, (v as number) % 7] as Pair);
    const result = new Map(readShuffle(sources(records), opts({ aggregator: sumAggregator, mapSideCombined: true, memoryBytes: 4 * 1024 })));
    expect(result).to.deep.equal(naiveSums(records));
    expect(listDir(spillDir)).to.deep.equal([]);
  });

  it('groups a hot key larger than the budget (in-memory last level)', () => {
    const records: Pair[] = Array.from({ length: 20_000 }, (_, i) => [i % 10 === 0 ? `cold${i}` : 'hot', i]);
    const result = new Map(readShuffle(sources(records), opts({ aggregator: listAggregator, memoryBytes: 4 * 1024 })));
    const hot = result.get('hot') as number[];
    expect(hot.sort((a, b) => a - b)).to.deep.equal(records.filter(([k]) => k === 'hot').map(([, v]) => v));
    expect(result.size).to.equal(2001);
    expect(listDir(spillDir)).to.deep.equal([]);
  });

  it('sorts with forced spills like Array.prototype.sort, both directions, stably', () => {
    const records = randomPairs(50_000, 3_000, 4);
    for (const compare of [compareSimple, (a: unknown, b: unknown) => compareSimple(b, a)]) {
      const events: SpillEvent[] = [];
      const sorted = [...readShuffle(sources(records), opts({ keyOrdering: compare, memoryBytes: 4 * 1024, onSpill: (e) => events.push(e) }))];
      const expected = inputOrder(records).sort((a, b) => compare(a[0], b[0]));
      expect(sorted).to.deep.equal(expected); // values included: equal keys keep input order
      expect(events.length).to.be.greaterThan(32); // more runs than one merge pass takes
      expect(listDir(spillDir)).to.deep.equal([]);
    }
  });

  it('aggregates then sorts', () => {
    const records = randomPairs(40_000, 10_000, 5);
    const out = [...readShuffle(sources(records), opts({ aggregator: sumAggregator, keyOrdering: compareSimple, memoryBytes: 8 * 1024 }))];
    const expected = [...naiveSums(records)].sort((a, b) => compareSimple(a[0], b[0]));
    expect(out).to.deep.equal(expected);
    expect(listDir(spillDir)).to.deep.equal([]);
  });

  it('reads sources that are file segments', () => {
    const path = join(spillDir, 'block.bin');
    const fd = openSync(path, 'w');
    const frames = new FrameWriter(fd, { batchRecords: 10 });
    const records = randomPairs(500, 20, 6);
    for (const r of records) frames.write(r);
    frames.flush();
    closeSync(fd);
    const size = statSync(path).size;
    const out = [...readShuffle([fileSegmentFrames(path, 0, size), fileSegmentFrames(path, 0, 0)], opts({ keyOrdering: compareSimple }))];
    expect(out).to.deep.equal([...records].sort((a, b) => compareSimple(a[0], b[0])));
  });

  it('bounds the records held in memory while aggregating and sorting', () => {
    const memoryBytes = 64 * 1024;
    const maxHeld = memoryBytes / 40; // no record or entry is estimated below ~40 bytes
    const records = randomPairs(50_000, 40_000, 7);
    for (const o of [{ aggregator: sumAggregator }, { keyOrdering: compareSimple }]) {
      const events: SpillEvent[] = [];
      let count = 0;
      for (const _ of readShuffle(sources(records), opts({ ...o, memoryBytes, onSpill: (e) => events.push(e) }))) count++;
      expect(count).to.be.greaterThan(0);
      expect(events.length).to.be.greaterThan(records.length / maxHeld - 1);
      for (const e of events) {
        expect(e.records).to.be.at.most(maxHeld);
        expect(e.estimatedBytes).to.be.at.most(memoryBytes * 1.25);
      }
    }
  });

  it('deletes spill files and closes runs when a sorted reader is returned early', () => {
    const records = randomPairs(20_000, 1_000, 8);
    const fds = openFdCount();
    const it = readShuffle(sources(records), opts({ keyOrdering: compareSimple, memoryBytes: 4 * 1024 }));
    const first = it.next();
    expect(first.done).to.equal(false);
    expect(listDir(spillDir).length).to.be.greaterThan(0); // runs exist while merging
    expect(it.return(undefined).done).to.equal(true);
    expect(listDir(spillDir)).to.deep.equal([]);
    expect(openFdCount()).to.equal(fds);
    expect(it.next().done).to.equal(true);
  });

  it('deletes aggregation buckets when the consumer breaks out', () => {
    const records = randomPairs(20_000, 10_000, 9);
    let n = 0;
    for (const _ of readShuffle(sources(records), opts({ aggregator: sumAggregator, memoryBytes: 4 * 1024 }))) {
      expect(listDir(spillDir).length).to.be.greaterThan(0);
      if (++n === 5) break;
    }
    expect(listDir(spillDir)).to.deep.equal([]);
  });

  it('cleans up when a source fails midway', () => {
    function* failing(): Generator<unknown[]> {
      for (let i = 0; i < 200; i++) yield randomPairs(100, 10_000, i);
      throw new Error('fetch failed');
    }
    for (const o of [{ aggregator: sumAggregator }, { keyOrdering: compareSimple }]) {
      expect(() => [...readShuffle([failing()], opts({ ...o, memoryBytes: 4 * 1024 }))]).to.throw('fetch failed');
      expect(listDir(spillDir)).to.deep.equal([]);
    }
  });

  it('validates its options', () => {
    expect(() => readShuffle([], opts({ aggregator: sumAggregator, newKeyMap: undefined }))).to.throw(IllegalArgumentError);
    expect([...readShuffle([[[[1, 2]]]], opts())]).to.deep.equal([[1, 2]]);
    expect(() => [...readShuffle([[[42]]], opts())]).to.throw('not a [key, value] pair');
  });
});
