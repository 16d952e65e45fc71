/**
 * The slice of a value-equality hash map (the partitioner's `KeyMap`) the shuffle needs.
 * Callers pass a factory, so this folder never imports the partitioner module.
 */
export interface KeyMapLike<V> {
  get(k: unknown): V | undefined;
  set(k: unknown, v: V): unknown;
  /** Optional: lets a stored `undefined` combiner be told apart from a missing key. */
  has?(k: unknown): boolean;
  /** Optional read-modify-write in one lookup (KeyMap has it; array keys are encoded once). */
  update?(k: unknown, fn: (current: V | undefined) => V): V;
  readonly size: number;
  entries(): IterableIterator<[unknown, V]>;
  /** Optional: visits entries like entries(), without allocating an iterator result and pair per entry. */
  forEach?(fn: (value: V, key: unknown) => void): void;
  clear(): void;
}

/**
 * True when `map` holds `key`, for a `get` that just returned undefined. Maps without
 * `has` are assumed not to store `undefined`, so combiners must not be `undefined` there.
 */
export function keyMapHas<V>(map: KeyMapLike<V>, key: unknown): boolean {
  return map.has !== undefined && map.has(key);
}

/**
 * Folds `value` into `key`'s combiner: `create(value)` for a new key, else
 * `merge(combiner, value)`. Uses update() when the map has it, to hash the key once.
 */
export function foldInto<V>(
  map: KeyMapLike<V>,
  key: unknown,
  value: unknown,
  create: (v: unknown) => V,
  merge: (c: V, v: unknown) => V,
): void {
  if (map.update !== undefined) {
    map.update(key, (current) =>
      current === undefined && !keyMapHas(map, key) ? create(value) : merge(current as V, value),
    );
    return;
  }
  const old = map.get(key);
  if (old === undefined && !keyMapHas(map, key)) {
    map.set(key, create(value));
    return;
  }
  const merged = merge(old as V, value);
  if (merged !== old) map.set(key, merged); // mutable combiners need no second lookup
}

/** Calls `fn(value, key)` for every entry, through forEach when the map has it. */
export function forEachEntry<V>(map: KeyMapLike<V>, fn: (value: V, key: unknown) => void): void {
  if (map.forEach !== undefined) {
    map.forEach(fn);
    return;
  }
  for (const [key, value] of map.entries()) fn(value, key);
}
