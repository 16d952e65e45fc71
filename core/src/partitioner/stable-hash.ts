import { unsupportedKeyError } from './unsupported-key-error.js';

/**
 * A key hash that is the same in every process and Node version, so map tasks on different
 * executors agree on which reduce partition a key belongs to. It depends only on the key's value:
 * never on object identity, V8's hash seed or Map iteration order.
 */

// Booleans as Java's Boolean.hashCode, so the scheme stays familiar to Spark users.
const TRUE_HASH = 1231;
const FALSE_HASH = 1237;
// Java's Double.hashCode of the canonical NaN bits 0x7ff8000000000000.
const NAN_HASH = 0x7ff80000;
// Non-zero seeds keep `[x]` from hashing like `x` and bigints from hashing like numbers.
const ARRAY_SEED = 0x2f1a3b5d;
const BIGINT_SEED = 0x5bd1e995;

// Explicit little-endian access keeps float hashes identical on big-endian hosts too.
const floatView = new DataView(new ArrayBuffer(8));

/** Hash of `key` as a 32-bit signed integer; throws IllegalArgumentError for unsupported types. */
export function stableHash(key: unknown): number {
  return fmix32(rawHash(key));
}

/** murmur3's 32-bit finaliser: a bijection that spreads Java-style hashes over all bits. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Java's String.hashCode over UTF-16 code units. */
export function stringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

// Un-finalised hash; arrays combine these so the finaliser runs once per key.
function rawHash(key: unknown): number {
  switch (typeof key) {
    case 'string':
      return stringHash(key);
    case 'number':
      return numberHash(key);
    case 'boolean':
      return key ? TRUE_HASH : FALSE_HASH;
    case 'bigint':
      return bigintHash(key);
    case 'object':
      if (key === null) return 0;
      if (Array.isArray(key)) return arrayHash(key);
      break;
  }
  throw unsupportedKeyError(key);
}

function numberHash(v: number): number {
  // int32 values (and -0, since -0 | 0 === 0) hash to themselves, as Java's Integer does.
  if ((v | 0) === v) return v | 0;
  if (v !== v) return NAN_HASH;
  floatView.setFloat64(0, v, true);
  return floatView.getInt32(0, true) ^ floatView.getInt32(4, true);
}

function bigintHash(b: bigint): number {
  // Fold 32-bit two's-complement chunks, low first; the arithmetic shift ends at 0n or -1n,
  // which then records the sign.
  let h = 0;
  let x = b;
  while (x !== 0n && x !== -1n) {
    h = (Math.imul(31, h) + Number(BigInt.asIntN(32, x))) | 0;
    x >>= 32n;
  }
  return (Math.imul(31, h) + (x === -1n ? 1 : 0) + BIGINT_SEED) | 0;
}

function arrayHash(a: unknown[]): number {
  let h = ARRAY_SEED;
  // Indexed loop: holes read as undefined and are rejected like any undefined key.
  for (let i = 0; i < a.length; i++) h = (Math.imul(31, h) + rawHash(a[i])) | 0;
  return h;
}
