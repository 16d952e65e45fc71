import { encodeKey } from './key-encoding.js';
import { unsupportedKeyError } from './unsupported-key-error.js';

type PrimitiveKey = string | number | boolean | null | bigint;

// Inlined by V8; cheaper than a switch for the common string/number keys.
function isPrimitiveKey(k: unknown): k is PrimitiveKey {
  const t = typeof k;
  return t === 'string' || t === 'number' || k === null || t === 'boolean' || t === 'bigint';
}

function arraySlot(k: unknown): string {
  if (!Array.isArray(k)) throw unsupportedKeyError(k);
  return encodeKey(k);
}

/**
 * A hash map over pair-RDD keys with value equality, for shuffle aggregation and joins.
 *
 * Primitive keys go straight into a JS Map (SameValueZero already makes -0 and 0 one key and NaN
 * equal to NaN); only array keys pay for an encoding (see encodeKey), kept in a second Map with
 * the first-inserted original key. Iteration yields primitive keys first, then array keys, each in
 * insertion order. Array keys must not be mutated while in the map.
 */
export class KeyMap<V> implements Iterable<[unknown, V]> {
  private readonly primitives = new Map<PrimitiveKey, V>();
  private readonly arrays = new Map<string, [unknown[], V]>();

  get size(): number {
    return this.primitives.size + this.arrays.size;
  }

  get(key: unknown): V | undefined {
    if (isPrimitiveKey(key)) return this.primitives.get(key);
    return this.arrays.get(arraySlot(key))?.[1];
  }

  has(key: unknown): boolean {
    if (isPrimitiveKey(key)) return this.primitives.has(key);
    return this.arrays.has(arraySlot(key));
  }

  set(key: unknown, value: V): this {
    if (isPrimitiveKey(key)) {
      this.primitives.set(key, value);
      return this;
    }
    const slot = arraySlot(key);
    const entry = this.arrays.get(slot);
    if (entry) entry[1] = value;
    else this.arrays.set(slot, [key as unknown[], value]);
    return this;
  }

  /**
   * Read-modify-write in one lookup: stores and returns `fn(current)`, where current is undefined
   * for a new key. Saves encoding array keys twice in combineByKey-style loops.
   */
  update(key: unknown, fn: (current: V | undefined) => V): V {
    if (isPrimitiveKey(key)) {
      const next = fn(this.primitives.get(key));
      this.primitives.set(key, next);
      return next;
    }
    const slot = arraySlot(key);
    const entry = this.arrays.get(slot);
    if (entry) return (entry[1] = fn(entry[1]));
    const next = fn(undefined);
    this.arrays.set(slot, [key as unknown[], next]);
    return next;
  }

  delete(key: unknown): boolean {
    if (isPrimitiveKey(key)) return this.primitives.delete(key);
    return this.arrays.delete(arraySlot(key));
  }

  clear(): void {
    this.primitives.clear();
    this.arrays.clear();
  }

  /** Visits entries in iteration order (see entries()) without allocating a pair per entry. */
  forEach(fn: (value: V, key: unknown) => void): void {
    this.primitives.forEach((value, key) => fn(value, key));
    if (this.arrays.size > 0) this.arrays.forEach((entry) => fn(entry[1], entry[0]));
  }

  /** Entries with the original keys (for arrays: the instance first inserted). */
  *entries(): IterableIterator<[unknown, V]> {
    yield* this.primitives.entries();
    for (const entry of this.arrays.values()) yield [entry[0], entry[1]];
  }

  *keys(): IterableIterator<unknown> {
    yield* this.primitives.keys();
    for (const entry of this.arrays.values()) yield entry[0];
  }

  *values(): IterableIterator<V> {
    yield* this.primitives.values();
    for (const entry of this.arrays.values()) yield entry[1];
  }

  [Symbol.iterator](): IterableIterator<[unknown, V]> {
    return this.entries();
  }
}
