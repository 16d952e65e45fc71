import { IllegalArgumentError } from '../errors.js';
import { fmix32 } from './stable-hash.js';

const TWO_POW_32 = 0x1_0000_0000;
const TWO_POW_53 = 2 ** 53;

/**
 * A small deterministic PRNG (mulberry32) so sampling with a seed gives the same result on every
 * executor and every rerun of a task; Math.random cannot be seeded.
 */
export class SeededRandom {
  private state: number;

  /** `seed` may be any finite number; integers beyond 32 bits keep their high bits. */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new IllegalArgumentError(`Random seed must be finite, got ${seed}.`);
    const int = Math.trunc(seed);
    const lo = int >>> 0;
    const hi = Math.floor(int / TWO_POW_32) >>> 0;
    // Mixing decorrelates the streams of neighbouring seeds (seed + partitionIndex is common).
    this.state = fmix32(lo ^ fmix32(hi + 0x9e3779b9));
  }

  /** Uniform integer in [0, 2^32). */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform double in [0, 1) with 53 random bits, as Java's Random.nextDouble builds it. */
  nextDouble(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 0x400_0000 + lo) / TWO_POW_53;
  }

  /** Uniform integer in [0, bound), for 0 < bound <= 2^32. */
  nextInt(bound: number): number {
    if (!Number.isInteger(bound) || bound <= 0 || bound > TWO_POW_32) {
      throw new IllegalArgumentError(`bound must be an integer in [1, 2^32], got ${bound}.`);
    }
    // Rejection sampling removes the modulo bias of `nextUint32() % bound`.
    const limit = TWO_POW_32 - (TWO_POW_32 % bound);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % bound;
  }
}

/** Function form for callers that only need doubles in [0, 1), like Math.random. */
export function seededRandom(seed: number): () => number {
  const rng = new SeededRandom(seed);
  return () => rng.nextDouble();
}
