import { SeededRandom } from './seeded-random.js';

/**
 * Test support (not exported from index): a JSON form for keys, since JSON has no bigint, NaN,
 * Infinity or -0, and a generator of mixed keys for the cross-process tests. Objects are never
 * valid keys, so `{ bigint }` and `{ number }` tags cannot be confused with one.
 */
export type KeyJson = string | number | boolean | null | { bigint: string } | { number: string } | KeyJson[];

export function keyToJson(key: unknown): KeyJson {
  if (typeof key === 'bigint') return { bigint: key.toString() };
  if (typeof key === 'number' && (!Number.isFinite(key) || Object.is(key, -0))) {
    return { number: Object.is(key, -0) ? '-0' : String(key) };
  }
  if (Array.isArray(key)) return key.map(keyToJson);
  return key as KeyJson;
}

export function keyFromJson(json: KeyJson): unknown {
  if (Array.isArray(json)) return json.map(keyFromJson);
  if (json !== null && typeof json === 'object') {
    if ('bigint' in json) return BigInt(json.bigint);
    return json.number === '-0' ? -0 : Number(json.number);
  }
  return json;
}

const SPECIAL_NUMBERS = [0, -0, NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31), 2 ** 53, 0.1, -1.5, 1e300];
const SPECIAL_STRINGS = ['', 'a', '\u00e9t\u00e9', '\u65e5\u672c', '\ud83d\ude00', '\ud800', 'x'.repeat(300)];

/** `count` deterministic keys of every supported type, including nested arrays. */
export function mixedKeys(count: number, seed: number): unknown[] {
  const rng = new SeededRandom(seed);
  const keys: unknown[] = [];
  for (let i = 0; i < count; i++) keys.push(randomKey(rng, 0));
  return keys;
}

function randomKey(rng: SeededRandom, depth: number): unknown {
  switch (rng.nextInt(depth < 2 ? 9 : 8)) {
    case 0:
      return `key-${rng.nextInt(100000)}`;
    case 1:
      return SPECIAL_STRINGS[rng.nextInt(SPECIAL_STRINGS.length)];
    case 2:
      return rng.nextInt(2001) - 1000;
    case 3:
      return (rng.nextDouble() - 0.5) * 1e12;
    case 4:
      return SPECIAL_NUMBERS[rng.nextInt(SPECIAL_NUMBERS.length)];
    case 5:
      return rng.nextInt(2) === 0;
    case 6:
      return null;
    case 7:
      return (BigInt(rng.nextUint32()) << BigInt(rng.nextInt(96))) * (rng.nextInt(2) ? 1n : -1n);
    default: {
      const n = rng.nextInt(4);
      const arr: unknown[] = [];
      for (let i = 0; i < n; i++) arr.push(randomKey(rng, depth + 1));
      return arr;
    }
  }
}
