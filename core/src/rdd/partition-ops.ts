import { IllegalArgumentError, KindlingError } from '../errors.js';
import { compareKeys } from '../partitioner/key-ordering.js';
import { KeyMap } from '../partitioner/key-map.js';
import { SeededRandom } from '../partitioner/seeded-random.js';
import { registerCompute } from './compute-registry.js';
import { oneToOne } from './dependency.js';
import { estimate, newRegisters, offer } from './hyperloglog.js';
import { runPipe, type PipeArgs } from './pipe.js';
import type { RddDefinition } from './rdd-definition.js';
import type { RDD } from './rdd.js';
import { StatCounter } from './stat-counter.js';
import type { TaskContext } from './task-context.js';

/**
 * Per-partition operations that Kindling itself implements (no user function): they run as
 * executor code, so they may use Kindling's own helpers (seeded random numbers, key ordering,
 * sketches), which functions shipped as source cannot.
 */
type PartitionOp = (args: any, partition: number, it: Iterator<unknown>, tc: TaskContext) => Iterator<unknown>;

function* each(it: Iterator<unknown>): Generator<unknown> {
  for (let r = it.next(); !r.done; r = it.next()) yield r.value;
}

function keyFractions(entries: Array<[unknown, number]>): KeyMap<number> {
  const m = new KeyMap<number>();
  for (const [k, f] of entries) m.set(k, f);
  return m;
}

/** Knuth's Poisson sampler: fine for the small means that sampling fractions are. */
function poisson(rng: SeededRandom, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng.nextDouble();
  while (p > limit) {
    k++;
    p *= rng.nextDouble();
  }
  return k;
}

const OPS: Record<string, PartitionOp> = {
  glom: (_a, _p, it) => [Array.from(each(it))][Symbol.iterator](),

  /** Spark's repartition: deal records round robin, starting at a random offset seeded by the partition index. */
  distribute: function* (a: { n: number; keys: number[] }, p, it) {
    let position = new SeededRandom(p).nextInt(a.n);
    for (const x of each(it)) {
      position = (position + 1) % a.n;
      yield [a.keys[position], x];
    }
  },

  zipWithUniqueId: function* (a: { n: number }, p, it) {
    let i = 0;
    for (const x of each(it)) yield [x, i++ * a.n + p];
  },

  zipWithIndex: function* (a: { starts: number[] }, p, it) {
    let i = a.starts[p]!;
    for (const x of each(it)) yield [x, i++];
  },

  /** BernoulliCellSampler: the same seed gives every split the same draws, so splits are disjoint. */
  cellSample: function* (a: { lb: number; ub: number; seed: number }, p, it) {
    const rng = new SeededRandom(a.seed + p);
    for (const x of each(it)) {
      const u = rng.nextDouble();
      if (u >= a.lb && u < a.ub) yield x;
    }
  },

  sampleByKey: function* (a: { withReplacement: boolean; fractions: Array<[unknown, number]>; seed: number }, p, it) {
    const fractions = keyFractions(a.fractions);
    const rng = new SeededRandom(a.seed + p);
    for (const kv of each(it)) {
      const k = (kv as unknown[])[0];
      const f = fractions.get(k);
      if (f === undefined) {
        throw new IllegalArgumentError(`sampleByKey: no sampling fraction for key ${JSON.stringify(k)}; fractions must name every key of the RDD`);
      }
      if (!a.withReplacement) {
        if (rng.nextDouble() < f) yield kv;
      } else {
        for (let c = poisson(rng, f); c > 0; c--) yield kv;
      }
    }
  },

  /** sampleByKeyExact's second pass: emit the records whose per-key index was drawn (with repeats). */
  pickByKeyIndex: function* (a: { picks: Array<Array<[unknown, number[]]>> }, p, it) {
    const picks = new KeyMap<{ at: number[]; next: number; seen: number }>();
    for (const [k, at] of a.picks[p] ?? []) picks.set(k, { at, next: 0, seen: 0 });
    for (const kv of each(it)) {
      const slot = picks.get((kv as unknown[])[0]);
      if (!slot) continue;
      const i = slot.seen++;
      while (slot.next < slot.at.length && slot.at[slot.next] === i) {
        slot.next++;
        yield kv;
      }
    }
  },

  countByKeyLocal: (_a, _p, it) => {
    const counts = new KeyMap<number>();
    for (const kv of each(it)) counts.update((kv as unknown[])[0], (c) => (c ?? 0) + 1);
    return [[...counts]][Symbol.iterator]();
  },

  filterKey: function* (a: { key: unknown }, _p, it) {
    for (const kv of each(it)) if (compareKeys((kv as unknown[])[0], a.key) === 0) yield kv;
  },

  filterByRange: function* (a: { lower: unknown; upper: unknown; from: number; to: number }, p, it) {
    if (p < a.from || p > a.to) return;
    for (const kv of each(it)) {
      const k = (kv as unknown[])[0];
      if (compareKeys(k, a.lower) >= 0 && compareKeys(k, a.upper) <= 0) yield kv;
    }
  },

  stats: (_a, _p, it) => {
    const c = new StatCounter();
    for (const x of each(it)) c.add(numeric(x, 'stats'));
    return [c.state()][Symbol.iterator]();
  },

  sum: (_a, _p, it) => {
    let s = 0;
    for (const x of each(it)) s += numeric(x, 'sum');
    return [s][Symbol.iterator]();
  },

  histogram: (a: { buckets: number[]; even: boolean }, _p, it) => {
    const b = a.buckets;
    const counts = new Array<number>(b.length - 1).fill(0);
    const lo = b[0]!;
    const hi = b[b.length - 1]!;
    for (const x of each(it)) {
      const v = numeric(x, 'histogram');
      // NaN and values outside [lo, hi] are not counted, as Spark; the last bucket is closed.
      if (!(v >= lo && v <= hi)) continue;
      let i: number;
      if (a.even) i = hi === lo ? 0 : Math.min(Math.floor(((v - lo) / (hi - lo)) * counts.length), counts.length - 1);
      else i = bucketOf(b, v);
      counts[i]!++;
    }
    return [counts][Symbol.iterator]();
  },

  hll: (a: { p: number }, _p, it) => {
    const r = newRegisters(a.p);
    for (const x of each(it)) offer(r, a.p, x);
    return [r][Symbol.iterator]();
  },

  hllByKey: function* (a: { p: number }, _p, it) {
    const sketches = new KeyMap<Uint8Array>();
    for (const kv of each(it)) {
      const [k, v] = kv as [unknown, unknown];
      offer(sketches.get(k) ?? sketches.set(k, newRegisters(a.p)).get(k)!, a.p, v);
    }
    yield* sketches;
  },

  hllEstimate: function* (_a, _p, it) {
    for (const kv of each(it)) yield [(kv as unknown[])[0], estimate((kv as unknown[])[1] as Uint8Array)];
  },

  pipe: (a: PipeArgs, p, it, tc) => runPipe(a, p, it, tc),
};

function numeric(x: unknown, op: string): number {
  if (typeof x !== 'number') {
    throw new IllegalArgumentError(`${op}() needs an RDD of numbers, but found a record of type ${x === null ? 'null' : typeof x}: ${String(x)}`);
  }
  return x;
}

/** Index of the bucket [b[i], b[i+1]) holding v; the last bucket includes its upper end. */
function bucketOf(b: number[], v: number): number {
  let lo = 0;
  let hi = b.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (v < b[mid]!) hi = mid;
    else lo = mid;
  }
  return lo;
}

export function partitionOpDefinition(
  parent: RDD<unknown>,
  op: keyof typeof OPS,
  args: unknown,
  preservesPartitioning: boolean,
  className = 'MapPartitionsRDD',
): RddDefinition {
  return {
    kind: 'partition-op',
    className,
    dependencies: [oneToOne(parent)],
    numPartitions: parent.getNumPartitions(),
    planArgs: { op, args },
    partitioner: preservesPartitioning ? parent.partitioner : undefined,
  };
}

registerCompute('partition-op', (planArgs: { op: string; args: unknown }, [parent]) => {
  const op = OPS[planArgs.op];
  if (!op) throw new KindlingError(`Unknown partition operation '${planArgs.op}' in a task; driver and executor versions differ`);
  return (p, tc) => op(planArgs.args, p, parent!(p, tc), tc);
});
