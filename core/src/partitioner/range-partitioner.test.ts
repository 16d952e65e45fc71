import { expect } from 'chai';
import { IllegalArgumentError } from '../errors.js';
import { HashPartitioner } from './hash-partitioner.js';
import { compareKeys, descending } from './key-ordering.js';
import { RangePartitioner } from './range-partitioner.js';
import { reservoirSample } from './reservoir-sample.js';
import { SeededRandom } from './seeded-random.js';

const unit = (keys: unknown[]) => keys.map((k) => [k, 1] as [unknown, number]);

describe('RangePartitioner', () => {
  describe('determineBounds', () => {
    it('cuts every total/partitions of weight', () => {
      // 10 keys, 3 partitions: step 10/3; cumulative 4 passes 3.33 and 7 passes 6.67.
      expect(RangePartitioner.determineBounds(unit([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 3)).to.deep.equal([4, 7]);
      // Input order does not matter.
      expect(RangePartitioner.determineBounds(unit([9, 2, 7, 4, 1, 10, 3, 8, 6, 5]), 3)).to.deep.equal([4, 7]);
      expect(RangePartitioner.determineBounds(unit(['d', 'a', 'c', 'b']), 2)).to.deep.equal(['b']);
    });

    it('honours weights', () => {
      // Total 8, step 4: 'a' reaches 1, 'b' reaches 6 >= 4.
      const c: Array<[unknown, number]> = [['c', 1], ['a', 1], ['b', 5], ['d', 1]];
      expect(RangePartitioner.determineBounds(c, 2)).to.deep.equal(['b']);
      // Step 2 over weights 1,1,3,1,1,1 (keys 1..6): cum 1,2*,5*,6*  -> bounds 2, 3, 4.
      const w: Array<[unknown, number]> = [[1, 1], [2, 1], [3, 3], [4, 1], [5, 1], [6, 1]];
      expect(RangePartitioner.determineBounds(w, 4)).to.deep.equal([2, 3, 4]);
    });

    it('skips duplicate keys, giving fewer bounds', () => {
      // Step 2: cum 2 at the second 1 -> bound 1; later 1s are not > 1; 2 (cum 7) and 3 (cum 8) follow.
      expect(RangePartitioner.determineBounds(unit([1, 1, 1, 1, 1, 1, 2, 3]), 4)).to.deep.equal([1, 2, 3]);
      expect(RangePartitioner.determineBounds(unit(new Array(10).fill(5)), 4)).to.deep.equal([5]);
      expect(RangePartitioner.determineBounds([], 4)).to.deep.equal([]);
      expect(RangePartitioner.determineBounds(unit([1, 2, 3]), 1)).to.deep.equal([]);
    });

    it('uses the given ordering', () => {
      const bounds = RangePartitioner.determineBounds(unit([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 3, descending(compareKeys));
      expect(bounds).to.deep.equal([7, 4]);
    });
  });

  describe('getPartition', () => {
    it('places keys in (bounds[i-1], bounds[i]]', () => {
      const p = new RangePartitioner(4, [10, 20, 30]);
      expect(p.numPartitions).to.equal(4);
      const cases: Array<[number, number]> = [[-5, 0], [10, 0], [10.5, 1], [20, 1], [25, 2], [30, 2], [31, 3], [NaN, 3]];
      for (const [k, part] of cases) expect(p.getPartition(k), String(k)).to.equal(part);
    });

    it('mirrors indices when descending', () => {
      const p = new RangePartitioner(4, [10, 20, 30], false);
      const cases: Array<[number, number]> = [[-5, 3], [10, 3], [11, 2], [20, 2], [30, 1], [31, 0]];
      for (const [k, part] of cases) expect(p.getPartition(k), String(k)).to.equal(part);
    });

    it('is monotonic and consistent with bounds, for linear scan and binary search', () => {
      for (const nBounds of [5, 128, 129, 300]) {
        const bounds = Array.from({ length: nBounds }, (_, i) => i * 10);
        const p = new RangePartitioner(nBounds + 1, bounds);
        let last = 0;
        for (let k = -20; k <= nBounds * 10 + 20; k++) {
          const part = p.getPartition(k);
          expect(part).to.be.at.least(last);
          last = part;
          // Reference: the number of bounds strictly below k.
          expect(part).to.equal(bounds.filter((b) => b < k).length);
        }
        expect(last).to.equal(nBounds);
        const desc = new RangePartitioner(nBounds + 1, bounds, false);
        for (const k of [-1, 0, 5, 10 * nBounds, 10 * nBounds + 1]) {
          expect(desc.getPartition(k)).to.equal(nBounds - p.getPartition(k));
        }
      }
    });

    it('orders mixed-type and array keys with compareKeys', () => {
      const p = new RangePartitioner(3, [5, ['m']]);
      expect(p.getPartition(null)).to.equal(0);
      expect(p.getPartition(5n)).to.equal(1); // 5 < 5n: different keys, number first
      expect(p.getPartition('zzz')).to.equal(1);
      expect(p.getPartition(['a', 1])).to.equal(1);
      expect(p.getPartition(['m'])).to.equal(1);
      expect(p.getPartition(['m', 0])).to.equal(2);
    });

    it('rejects unsupported keys even without bounds', () => {
      expect(() => new RangePartitioner(1, []).getPartition({})).to.throw(IllegalArgumentError);
      expect(() => new RangePartitioner(2, [1]).getPartition(undefined)).to.throw(IllegalArgumentError);
    });
  });

  it('validates its arguments', () => {
    expect(() => new RangePartitioner(-1, [])).to.throw(IllegalArgumentError, /cannot be negative/);
    expect(() => new RangePartitioner(2, [1, 2])).to.throw(IllegalArgumentError, /2 bounds/);
    expect(() => new RangePartitioner(4, [3, 2])).to.throw(IllegalArgumentError, /strictly increasing/);
    expect(() => new RangePartitioner(4, [1, 1])).to.throw(IllegalArgumentError, /strictly increasing/);
    expect(new RangePartitioner(0, []).numPartitions).to.equal(1);
  });

  it('has fewer partitions than requested when there are few distinct keys', () => {
    const keys = Array.from({ length: 1000 }, (_, i) => i % 3);
    const p = RangePartitioner.fromSketch(10, [{ count: keys.length, sample: keys }]);
    // As in Spark, each distinct key can become a bound, so the last partition stays empty.
    expect(p.bounds).to.deep.equal([0, 1, 2]);
    expect(p.numPartitions).to.equal(4);
    expect([0, 1, 2].map((k) => p.getPartition(k))).to.deep.equal([0, 1, 2]);
  });

  it('equals on same bounds and direction only', () => {
    const p = new RangePartitioner(3, [10n, [1, 'a']]);
    expect(p.equals(new RangePartitioner(3, [10n, [1, 'a']]))).to.equal(true);
    expect(p.equals(new RangePartitioner(5, [10n, [1, 'a']]))).to.equal(true); // same effective partitions
    expect(p.equals(new RangePartitioner(3, [10n, [1, 'a']], false))).to.equal(false);
    expect(p.equals(new RangePartitioner(3, [10, [1, 'a']]))).to.equal(false);
    expect(p.equals(new RangePartitioner(2, [10n]))).to.equal(false);
    expect(p.equals(new HashPartitioner(3))).to.equal(false);
    expect(p.equals(null)).to.equal(false);
    expect(new RangePartitioner(2, [-0]).equals(new RangePartitioner(2, [0]))).to.equal(true);
  });

  it('describes itself and round-trips its spec', () => {
    const p = new RangePartitioner(3, [1, 2], false);
    expect(String(p)).to.equal('RangePartitioner(3, descending)');
    expect(p.toSpec()).to.deep.equal({ kind: 'range', numPartitions: 3, bounds: [1, 2], ascending: false });
  });

  it('sizes samples like Spark', () => {
    expect(RangePartitioner.sampleSizePerPartition(10, 4)).to.equal(150); // ceil(3 * 200 / 4)
    expect(RangePartitioner.sampleSizePerPartition(3, 7)).to.equal(26); // ceil(180 / 7)
    expect(RangePartitioner.sampleSizePerPartition(100000, 100)).to.equal(30000); // sampleSize capped at 1e6
    expect(RangePartitioner.sampleSizePerPartition(10, 0)).to.equal(0);
  });

  // Sizes of the output partitions when every input record is placed by `p`.
  function outputSizes(p: RangePartitioner, inputs: number[][]): number[] {
    const sizes = new Array<number>(p.numPartitions).fill(0);
    for (const data of inputs) for (const k of data) sizes[p.getPartition(k)]++;
    return sizes;
  }

  function expectBalanced(sizes: number[], total: number): void {
    const ideal = total / sizes.length;
    for (const size of sizes) expect(size).to.be.within(ideal / 2, ideal * 2);
  }

  it('fromSketch balances skewed keys within 2x', () => {
    for (const seed of [1, 2, 3]) {
      const rng = new SeededRandom(seed);
      // Exponential keys (most near 0, a long tail) in input partitions of uneven size.
      const inputs = Array.from({ length: 12 }, (_, i) =>
        Array.from({ length: 2000 + 500 * i }, () => -Math.log(1 - rng.nextDouble()) * 100),
      );
      const perPartition = RangePartitioner.sampleSizePerPartition(8, inputs.length);
      const sketches = inputs.map((data, i) => reservoirSample(data, perPartition, seed * 100 + i));
      expect(RangePartitioner.planResample(8, sketches).partitions).to.deep.equal([]);
      const p = RangePartitioner.fromSketch(8, sketches);
      expect(p.numPartitions).to.equal(8);
      expectBalanced(outputSizes(p, inputs), inputs.reduce((n, d) => n + d.length, 0));
    }
  });

  it('fromSketch with Spark re-sampling balances one huge input partition within 2x', () => {
    for (const seed of [1, 2, 3, 99]) {
      const rng = new SeededRandom(seed);
      // One input partition holds 50k uniform keys, nine hold 2k exponential keys each.
      const inputs: number[][] = [Array.from({ length: 50000 }, () => rng.nextDouble() * 1000)];
      for (let i = 0; i < 9; i++) {
        inputs.push(Array.from({ length: 2000 }, () => 1000 - Math.log(1 - rng.nextDouble()) * 500));
      }
      const perPartition = RangePartitioner.sampleSizePerPartition(8, inputs.length);
      const sketches = inputs.map((data, i) => reservoirSample(data, perPartition, seed * 100 + i));
      const plan = RangePartitioner.planResample(8, sketches);
      expect(plan.partitions).to.deep.equal([0]);
      expect(plan.fraction).to.be.closeTo(160 / 68000, 1e-12);
      // The driver's second pass: a Bernoulli sample of the imbalanced partitions.
      const sample: number[] = [];
      for (const i of plan.partitions) for (const k of inputs[i]) if (rng.nextDouble() < plan.fraction) sample.push(k);
      const p = RangePartitioner.fromSketch(8, sketches, true, compareKeys, { ...plan, sample });
      expect(p.numPartitions).to.equal(8);
      expectBalanced(outputSizes(p, inputs), 68000);
    }
  });

  it('fromSketch handles empty input and a single partition', () => {
    expect(RangePartitioner.fromSketch(4, [{ count: 0, sample: [] }]).numPartitions).to.equal(1);
    expect(RangePartitioner.fromSketch(1, [{ count: 3, sample: [1, 2, 3] }]).numPartitions).to.equal(1);
    const desc = RangePartitioner.fromSketch(2, [{ count: 4, sample: [1, 2, 3, 4] }], false);
    expect(desc.ascending).to.equal(false);
    expect(desc.getPartition(1)).to.equal(1);
    expect(desc.getPartition(4)).to.equal(0);
  });
});
