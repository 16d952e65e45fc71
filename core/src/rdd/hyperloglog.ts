import { IllegalArgumentError } from '../errors.js';
import { encodeKey } from '../partitioner/key-encoding.js';

/**
 * The dense HyperLogLog++ sketch behind countApproxDistinct (Heule, Nunkesser, Hall 2013): a
 * 64-bit hash (two independent 32-bit murmur3 streams over the value's canonical encoding),
 * 2^p one-byte registers, and linear counting below the paper's per-precision thresholds (or
 * the original 2.5 * 2^p bound). Spark uses stream-lib's HyperLogLogPlus with sp = 0, which is
 * this dense form. Not included: the paper's empirical bias-correction tables, so estimates
 * between 2.5 and 5 times 2^p carry the raw estimator's small bias (see docs/rdd-programming-guide.md).
 */

/** Linear counting is used while its estimate is below these (HLL++ appendix, p = 4..18). */
const THRESHOLDS = [10, 20, 40, 80, 220, 400, 900, 1800, 3100, 6500, 11500, 20000, 50000, 120000, 350000];

/** Spark's RDD.countApproxDistinct: p = ceil(2 log2(1.054 / relativeSD)), at least 4. */
export function precisionFor(relativeSD: number): number {
  if (!(relativeSD > 0.000017)) {
    throw new IllegalArgumentError(`accuracy (${relativeSD}) must be greater than 0.000017`);
  }
  const p = Math.ceil((2 * Math.log(1.054 / relativeSD)) / Math.log(2));
  if (p > 18) {
    throw new IllegalArgumentError(`accuracy (${relativeSD}) needs precision ${p}; Kindling's sketch supports p <= 18 (relativeSD >= 0.0021)`);
  }
  return Math.max(p, 4);
}

function murmur32(s: string, seed: number): number {
  let h = seed | 0;
  for (let i = 0; i < s.length; i++) {
    let k = s.charCodeAt(i);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= s.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function newRegisters(p: number): Uint8Array {
  return new Uint8Array(1 << p);
}

/** Adds one value (any supported key: string, number, boolean, bigint, null, arrays of those). */
export function offer(registers: Uint8Array, p: number, value: unknown): void {
  const enc = encodeKey(value);
  const hi = murmur32(enc, 0x9747b28c);
  const lo = murmur32(enc, 0x5bd1e995);
  const index = hi >>> (32 - p);
  // Rank: leading zeros of the remaining 64 - p bits, plus one.
  const restHi = (hi << p) >>> 0;
  let rank: number;
  if (restHi !== 0) rank = Math.clz32(restHi) + 1;
  else rank = 32 - p + (lo === 0 ? 32 : Math.clz32(lo)) + 1;
  if (rank > registers[index]!) registers[index] = rank;
}

export function mergeRegisters(into: Uint8Array, other: Uint8Array): Uint8Array {
  if (into.length !== other.length) throw new IllegalArgumentError('Cannot merge HyperLogLog sketches of different precision');
  for (let i = 0; i < into.length; i++) if (other[i]! > into[i]!) into[i] = other[i]!;
  return into;
}

export function estimate(registers: Uint8Array): number {
  const m = registers.length;
  const p = Math.log2(m);
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < m; i++) {
    const r = registers[i]!;
    sum += 2 ** -r;
    if (r === 0) zeros++;
  }
  const alpha = m === 16 ? 0.673 : m === 32 ? 0.697 : m === 64 ? 0.709 : 0.7213 / (1 + 1.079 / m);
  const raw = (alpha * m * m) / sum;
  if (zeros > 0) {
    const linear = m * Math.log(m / zeros);
    // HLL++'s threshold, and the original paper's 2.5m bound where the raw estimate is biased.
    if (linear <= THRESHOLDS[p - 4]! || raw <= 2.5 * m) return Math.round(linear);
  }
  return Math.round(raw);
}
