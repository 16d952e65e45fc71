import { IllegalArgumentError } from '../errors.js';
import { KeyMap } from '../partitioner/key-map.js';
import { SeededRandom } from '../partitioner/seeded-random.js';
import { partitionOpDefinition } from './partition-ops.js';
import type { Pair, RDD } from './rdd.js';
import { callSiteLabel } from './ship.js';

/** Spark's SamplingUtils.computeFractionForSampleSize: a rate that yields >= `num` records w.h.p. */
export function fractionForSampleSize(num: number, total: number, withReplacement: boolean): number {
  if (withReplacement) {
    const numStd = num < 6 ? 12 : num < 16 ? 9 : 6;
    return Math.max(num + numStd * Math.sqrt(num), 1e-10) / total;
  }
  const fraction = num / total;
  const gamma = -Math.log(1e-4) / total;
  return Math.min(1, Math.max(1e-10, fraction + gamma + Math.sqrt(gamma * gamma + 2 * gamma * fraction)));
}

function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}

function shuffleInPlace<T>(xs: T[], rng: SeededRandom): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/** Spark's takeSample: count, then sample with a rate that almost surely gives enough, retrying if not. */
export async function takeSample<T>(rdd: RDD<T>, withReplacement: boolean, num: number, seed = randomSeed()): Promise<T[]> {
  if (!Number.isInteger(num) || num < 0) throw new IllegalArgumentError(`Negative number of elements requested (${num}); takeSample needs an integer >= 0`);
  if (num > 2 ** 31 - 10) throw new IllegalArgumentError(`Cannot support a sample size > Int.MaxValue - 10 (${num})`);
  const rng = new SeededRandom(seed);
  if (num === 0) return [];
  const initialCount = await rdd.count();
  if (initialCount === 0) return [];
  if (!withReplacement && num >= initialCount) return shuffleInPlace(await rdd.collect(), rng);
  const fraction = fractionForSampleSize(num, initialCount, withReplacement);
  let samples = await rdd.sample(withReplacement, fraction, rng.nextUint32()).collect();
  // Unlucky: try again with another seed (Spark logs a warning on every retry too).
  for (let tries = 0; samples.length < num; tries++) {
    if (tries > 0 && tries % 100 === 0) console.warn(`takeSample needed ${tries} extra passes to sample ${num} records`);
    samples = await rdd.sample(withReplacement, fraction, rng.nextUint32()).collect();
  }
  return shuffleInPlace(samples, rng).slice(0, num);
}

/** Spark's randomSplit: every split draws the same per-partition sequence and keeps its own range of it. */
export function randomSplit<T>(rdd: RDD<T>, weights: number[], seed = randomSeed()): RDD<T>[] {
  const shown = `[${weights.join(',')}]`;
  if (!weights.every((w) => w >= 0)) throw new IllegalArgumentError(`Weights must be nonnegative, but got ${shown}`);
  const sum = weights.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) throw new IllegalArgumentError(`Sum of weights must be positive, but got ${shown}`);
  const { label } = callSiteLabel();
  const cum = [0];
  for (const w of weights) cum.push(cum[cum.length - 1]! + w / sum);
  cum[cum.length - 1] = 1;
  return weights.map((_, i) =>
    rdd.kc.makeRdd<T>(partitionOpDefinition(rdd, 'cellSample', { lb: cum[i]!, ub: cum[i + 1]!, seed }, true), `randomSplit at ${label}`),
  );
}

type Fractions<K> = Map<K, number> | Record<string, number>;

function fractionEntries<K>(fractions: Fractions<K>, op: string): Array<[unknown, number]> {
  const entries: Array<[unknown, number]> = fractions instanceof Map ? [...fractions] : Object.entries(fractions);
  for (const [k, f] of entries) {
    if (typeof f !== 'number' || !(f >= 0)) throw new IllegalArgumentError(`${op}: Negative sampling rates (${String(f)} for key ${JSON.stringify(k)}); rates must be >= 0`);
  }
  return entries;
}

/** Spark's sampleByKey: a Bernoulli (or Poisson, with replacement) sample per key at that key's rate. */
export function sampleByKey<K, V>(rdd: RDD<Pair<K, V>>, withReplacement: boolean, fractions: Fractions<K>, seed = randomSeed()): RDD<Pair<K, V>> {
  const entries = fractionEntries(fractions, 'sampleByKey');
  if (!withReplacement && entries.some(([, f]) => f > 1)) {
    throw new IllegalArgumentError('sampleByKey: sampling rates must be in [0, 1] without replacement');
  }
  const { label } = callSiteLabel();
  return rdd.kc.makeRdd(partitionOpDefinition(rdd, 'sampleByKey', { withReplacement, fractions: entries, seed }, true), `sampleByKey at ${label}`);
}

/**
 * sampleByKeyExact: exactly ceil(rate * count(k)) records of each key k. Kindling counts keys
 * per partition in one job, then draws the records' per-key positions on the driver (distinct
 * positions without replacement, independent ones with it) and a second pass keeps those
 * records. Spark reaches the same sizes with per-key acceptance thresholds instead; both need
 * a deterministic order inside partitions. The drawn positions travel with the tasks, so this
 * suits samples of up to a few million records.
 */
export function sampleByKeyExact<K, V>(rdd: RDD<Pair<K, V>>, withReplacement: boolean, fractions: Fractions<K>, seed = randomSeed()): RDD<Pair<K, V>> {
  const entries = fractionEntries(fractions, 'sampleByKeyExact');
  if (!withReplacement && entries.some(([, f]) => f > 1)) {
    throw new IllegalArgumentError('sampleByKeyExact: sampling rates must be in [0, 1] without replacement');
  }
  const rates = new KeyMap<number>();
  for (const [k, f] of entries) rates.set(k, f);
  const { label } = callSiteLabel();
  const n = rdd.getNumPartitions();
  const args: { picks: Array<Array<[unknown, number[]]>> | null } = { picks: null };
  const def = partitionOpDefinition(rdd, 'pickByKeyIndex', args, true);
  def.prepare = async () => {
    if (args.picks) return;
    const counter = rdd.kc.makeRdd(partitionOpDefinition(rdd, 'countByKeyLocal', {}, false), `sampleByKeyExact at ${label}`);
    const perPartition = (await counter.collect()) as Array<Array<[unknown, number]>>;
    const totals = new KeyMap<number>();
    for (const part of perPartition) for (const [k, c] of part) totals.update(k, (t) => (t ?? 0) + c);
    const rng = new SeededRandom(seed);
    const drawn = new KeyMap<number[]>();
    for (const [k, total] of totals) {
      const rate = rates.get(k);
      if (rate === undefined) throw new IllegalArgumentError(`sampleByKeyExact: no sampling rate for key ${JSON.stringify(k)}; fractions must name every key of the RDD`);
      drawn.set(k, drawPositions(total, Math.ceil(rate * total), withReplacement, rng));
    }
    // Split each key's sorted positions by partition, relative to that partition's first record of the key.
    const seen = new KeyMap<number>();
    args.picks = perPartition.map((part) =>
      part.map(([k, c]) => {
        const from = seen.get(k) ?? 0;
        seen.set(k, from + c);
        return [k, drawn.get(k)!.filter((i) => i >= from && i < from + c).map((i) => i - from)] as [unknown, number[]];
      }),
    );
    if (args.picks.length !== n) throw new IllegalArgumentError('sampleByKeyExact: partition count changed while sampling');
  };
  return rdd.kc.makeRdd(def, `sampleByKeyExact at ${label}`);
}

/** `k` sorted positions in [0, total): distinct (Floyd's algorithm) or independent draws. */
function drawPositions(total: number, k: number, withReplacement: boolean, rng: SeededRandom): number[] {
  const out: number[] = [];
  if (withReplacement) {
    for (let i = 0; i < k && total > 0; i++) out.push(rng.nextInt(total));
  } else {
    const chosen = new Set<number>();
    for (let j = total - Math.min(k, total); j < total; j++) {
      const t = rng.nextInt(j + 1);
      chosen.add(chosen.has(t) ? j : t);
    }
    out.push(...chosen);
  }
  return out.sort((a, b) => a - b);
}
