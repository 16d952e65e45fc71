/**
 * Stable LSD radix sort of [key, value] records whose keys are all numbers, in the order of the
 * partitioner's compareKeys (or its reverse): -0 equals 0, NaN equals NaN and sorts after every
 * number. Ties keep input order, like the stable Array.prototype.sort it replaces, so results
 * (and merges with comparator-sorted runs) are identical; it only skips the comparator calls.
 */

/** Below this, the comparator sort is as fast and allocates nothing. */
export const NUMERIC_SORT_MIN_RECORDS = 512;

const RADIX_BITS = 16;
const BUCKETS = 1 << RADIX_BITS;
const MASK = BUCKETS - 1;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Word order of a float64 in memory follows the platform's endianness.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = LITTLE_ENDIAN ? 0 : 1;

/**
 * The records sorted by key (a new array), or undefined when some key is not a number (the
 * caller then sorts with its comparator). `records` is not modified.
 */
export function sortByNumericKey<T extends readonly [unknown, unknown]>(records: readonly T[], descending: boolean): T[] | undefined {
  const n = records.length;
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  const flip = descending ? 0xffffffff : 0;
  for (let i = 0; i < n; i++) {
    const k = records[i]![0];
    if (typeof k !== 'number') return undefined;
    let h: number;
    let l: number;
    if (k !== k) {
      // Every NaN is one key, above +Infinity: the canonical quiet NaN with the sign bit flipped.
      h = 0xfff80000;
      l = 0;
    } else {
      f64[0] = k === 0 ? 0 : k; // -0 is 0
      h = u32[HI]!;
      l = u32[LO]!;
      // IEEE 754 bits to an unsigned order: negatives reversed below positives.
      if (h & 0x80000000) {
        h = ~h;
        l = ~l;
      } else {
        h |= 0x80000000;
      }
    }
    hi[i] = (h ^ flip) >>> 0;
    lo[i] = (l ^ flip) >>> 0;
  }

  // One histogram per 16-bit digit, least significant first.
  const counts = new Uint32Array(4 * BUCKETS);
  for (let i = 0; i < n; i++) {
    const l = lo[i]!;
    const h = hi[i]!;
    counts[l & MASK]!++;
    counts[BUCKETS + (l >>> RADIX_BITS)]!++;
    counts[2 * BUCKETS + (h & MASK)]!++;
    counts[3 * BUCKETS + (h >>> RADIX_BITS)]!++;
  }

  let src = new Uint32Array(n);
  for (let i = 0; i < n; i++) src[i] = i;
  let dst = new Uint32Array(n);
  for (let pass = 0; pass < 4; pass++) {
    const base = pass * BUCKETS;
    const words = pass < 2 ? lo : hi;
    const shift = pass % 2 === 0 ? 0 : RADIX_BITS;
    // A digit every key shares cannot reorder anything.
    const first = (words[0]! >>> shift) & MASK;
    if (counts[base + first] === n) continue;
    let sum = 0;
    for (let b = 0; b < BUCKETS; b++) {
      const c = counts[base + b]!;
      counts[base + b] = sum;
      sum += c;
    }
    for (let j = 0; j < n; j++) {
      const i = src[j]!;
      dst[counts[base + ((words[i]! >>> shift) & MASK)]!++] = i;
    }
    const t = src;
    src = dst;
    dst = t;
  }

  const out = new Array<T>(n);
  for (let j = 0; j < n; j++) out[j] = records[src[j]!]!;
  return out;
}
