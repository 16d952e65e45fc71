import { expect } from 'chai';
import { compareKeys } from '../partitioner/key-ordering.js';
import { ExternalSorter } from './external-sorter.js';
import { sortByNumericKey } from './numeric-key-sort.js';
import { listDir, makeTempDir, removeDir, seededRandom } from './shuffle.test-helper.js';

type Pair = [unknown, unknown];

const SPECIAL = [0, -0, NaN, -NaN, Infinity, -Infinity, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE,
  Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1, -1, 0.5, -0.5, 2 ** 31, -(2 ** 31), 2 ** 32, 1e-310, -1e-310];

/** Numbers of many shapes with plenty of duplicates; the value is the input index (checks stability). */
function numericRecords(n: number, seed: number): Pair[] {
  const rnd = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const r = rnd();
    let k: number;
    if (r < 0.1) k = SPECIAL[Math.floor(rnd() * SPECIAL.length)]!;
    else if (r < 0.4) k = Math.floor(rnd() * 50) - 25; // many ties
    else if (r < 0.7) k = (rnd() - 0.5) * 1e6;
    else if (r < 0.85) k = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 600 - 300);
    else k = rnd();
    return [k, i] as Pair;
  });
}

function reference(records: Pair[], descending: boolean): Pair[] {
  return [...records].sort(descending ? (a, b) => compareKeys(b[0], a[0]) : (a, b) => compareKeys(a[0], b[0]));
}

/** deep.equal treats -0 and 0 (and NaN) loosely; compare by Object.is per key and value. */
function expectSame(actual: Pair[], expected: Pair[]): void {
  expect(actual.length).to.equal(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i]![0], expected[i]![0]) || actual[i]![1] !== expected[i]![1]) {
      expect.fail(`at ${i}: got [${String(actual[i]![0])}, ${String(actual[i]![1])}], expected [${String(expected[i]![0])}, ${String(expected[i]![1])}]`);
    }
  }
}

describe('shuffle/numeric-key-sort', () => {
  it('orders exactly like a stable sort with compareKeys, both directions', () => {
    for (const [n, seed] of [[1, 1], [2, 2], [600, 3], [20_000, 4], [100_000, 5]] as const) {
      const records = numericRecords(n, seed);
      const copy = [...records];
      for (const descending of [false, true]) {
        expectSame(sortByNumericKey(records, descending)!, reference(records, descending));
      }
      expectSame(records, copy); // input untouched
    }
  });

  it('handles keys that share their high or low digits', () => {
    const records: Pair[] = Array.from({ length: 5000 }, (_, i) => [(i * 7919) % 1000, i]);
    expectSame(sortByNumericKey(records, false)!, reference(records, false));
    const same: Pair[] = Array.from({ length: 3000 }, (_, i) => [42, i]);
    expectSame(sortByNumericKey(same, true)!, same);
  });

  it('declines records with non-number keys', () => {
    expect(sortByNumericKey([[1, 'a'], [2n, 'b']], false)).to.equal(undefined);
    expect(sortByNumericKey([[1, 'a'], ['1', 'b']], false)).to.equal(undefined);
    expect(sortByNumericKey([[null, 'a']], false)).to.equal(undefined);
  });

  describe('ExternalSorter with keyOrder', () => {
    let spillDir: string;
    beforeEach(() => {
      spillDir = makeTempDir('spill');
    });
    afterEach(() => removeDir(spillDir));

    function drain(records: Pair[], descending: boolean, keyOrder: boolean, memoryBytes: number): Pair[] {
      const compare = descending ? (a: unknown, b: unknown) => compareKeys(b, a) : compareKeys;
      const sorter = new ExternalSorter({ compare, keyOrder: keyOrder ? (descending ? 'descending' : 'ascending') : undefined, spillDir, memoryBytes });
      for (const r of records) sorter.insert(r);
      const out = [...sorter.drain()];
      sorter.dispose();
      return out;
    }

    it('gives the comparator sort result, with and without spills', () => {
      const records = numericRecords(60_000, 9);
      for (const descending of [false, true]) {
        for (const memoryBytes of [64 * 1024 * 1024, 256 * 1024]) {
          expectSame(drain(records, descending, true, memoryBytes), reference(records, descending));
        }
      }
      expect(listDir(spillDir)).to.deep.equal([]);
    });

    it('falls back to the comparator for mixed keys', () => {
      const records: Pair[] = numericRecords(5000, 10).map(([k, v], i) => [i % 97 === 0 ? `s${i}` : k, v]);
      expectSame(drain(records, false, true, 64 * 1024 * 1024), reference(records, false));
    });
  });
});
