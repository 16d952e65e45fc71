import { IllegalArgumentError } from '../errors.js';

const FIX = 'use a string, number, boolean, null, bigint or an array of these as the key';

/** Names a key's type precisely enough that the user can find the offending value. */
export function describeKeyType(key: unknown): string {
  if (key === undefined) return 'undefined';
  if (typeof key === 'object' && key !== null) {
    const ctor = (key as { constructor?: { name?: unknown } }).constructor;
    const name = typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'Object';
    return `object (${name})`;
  }
  return typeof key;
}

/**
 * The one error for keys that cannot be hashed, ordered or compared by value the same way in every
 * process (objects have no stable identity across a shuffle).
 */
export function unsupportedKeyError(key: unknown): IllegalArgumentError {
  return new IllegalArgumentError(`Unsupported key type: ${describeKeyType(key)}; ${FIX}.`);
}
