import { unsupportedKeyError } from './unsupported-key-error.js';

/** A comparator over keys: negative, zero or positive like Array.prototype.sort expects. */
export type KeyOrdering = (a: unknown, b: unknown) => number;

/**
 * Total order over supported keys, used by sortByKey and RangePartitioner:
 * null < boolean (false < true) < number/bigint < string < array.
 *
 * Numbers and bigints compare exactly by value with each other; a number and a bigint of equal
 * value (3 and 3n) are different keys, so the number sorts first to keep the order strict.
 * -0 equals 0 and NaN equals NaN and sorts after every number, matching KeyMap's key equality,
 * so `compareKeys(a, b) === 0` exactly when a and b are the same key. Strings compare by UTF-16
 * code units (like `<`), arrays lexicographically with a shorter prefix first.
 */
export function compareKeys(a: unknown, b: unknown): number {
  // Same-type numbers and strings are the common case on the sort/partition hot path.
  if (typeof a === 'number' && typeof b === 'number') return compareNumbers(a, b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return compareMixed(a, b);
}

/** Reverses an ordering, e.g. `descending(compareKeys)` for sortByKey(ascending = false). */
export function descending(cmp: KeyOrdering): KeyOrdering {
  return (a, b) => cmp(b, a);
}

const NULL_RANK = 0;
const BOOLEAN_RANK = 1;
const NUMERIC_RANK = 2;
const STRING_RANK = 3;
const ARRAY_RANK = 4;

function rank(k: unknown): number {
  switch (typeof k) {
    case 'boolean':
      return BOOLEAN_RANK;
    case 'number':
    case 'bigint':
      return NUMERIC_RANK;
    case 'string':
      return STRING_RANK;
    case 'object':
      if (k === null) return NULL_RANK;
      if (Array.isArray(k)) return ARRAY_RANK;
      break;
  }
  throw unsupportedKeyError(k);
}

function compareMixed(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case NULL_RANK:
      return 0;
    case BOOLEAN_RANK:
      return a === b ? 0 : a ? 1 : -1;
    case NUMERIC_RANK:
      return compareNumeric(a as number | bigint, b as number | bigint);
    case STRING_RANK:
      return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
    default:
      return compareArrays(a as unknown[], b as unknown[]);
  }
}

function compareNumbers(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  // At least one NaN: NaN equals NaN and sorts after every number.
  const aNaN = a !== a;
  const bNaN = b !== b;
  return aNaN === bNaN ? 0 : aNaN ? 1 : -1;
}

function compareNumeric(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'number') {
    return typeof b === 'number' ? compareNumbers(a, b) : compareNumberToBigint(a, b);
  }
  if (typeof b === 'number') return -compareNumberToBigint(b, a);
  return a < b ? -1 : a > b ? 1 : 0;
}

// Exact comparison: converting the bigint to a double would round large values.
function compareNumberToBigint(a: number, b: bigint): number {
  if (a !== a || a === Infinity) return 1;
  if (a === -Infinity) return -1;
  const floor = Math.floor(a);
  const bigFloor = BigInt(floor);
  if (bigFloor < b) return -1; // a < floor + 1 <= b
  if (bigFloor > b) return 1; // b < floor <= a
  // Equal values are distinct keys (3 vs 3n): the number goes first.
  return a === floor ? -1 : 1;
}

function compareArrays(a: unknown[], b: unknown[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareKeys(a[i], b[i]);
    if (c !== 0) return c;
  }
  // Like `<` on strings, elements after the first difference are not inspected (nor validated).
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}
