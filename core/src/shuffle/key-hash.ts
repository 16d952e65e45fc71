/**
 * Deterministic hash of a shuffle key, used only to pick a spill bucket. Equal keys must land
 * in the same bucket whatever equality the caller's KeyMap uses, so the fingerprint is
 * deliberately coarse (0 and -0, 1 and 1n collide): a collision only costs balance.
 */

export function hashKey(key: unknown, salt: number): number {
  const s = keyFingerprint(key);
  let h = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  // FNV's low bits barely depend on the seed, so mix the salt in through a full avalanche
  // (murmur3 fmix32): re-bucketing a bucket with a new salt must spread its keys.
  h ^= Math.imul(salt + 1, 0x9e3779b9);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Canonical text of a key: strings, numbers, booleans, null, bigint and arrays of these. */
export function keyFingerprint(key: unknown): string {
  switch (typeof key) {
    case 'string':
      return `s${key}`;
    case 'number':
      return `n${numberText(key)}`;
    case 'bigint':
      return `n${key.toString()}`;
    case 'boolean':
      return key ? 't' : 'f';
    case 'undefined':
      return 'u';
    case 'object':
      if (key === null) return 'z';
      if (Array.isArray(key)) return `[${key.map(keyFingerprint).join('\u0001')}]`;
      if (key instanceof Date) return `d${key.getTime()}`;
      return `o${String(key)}`; // not a supported key type; any deterministic text will do
    default:
      return `x${String(key)}`;
  }
}

function numberText(n: number): string {
  if (Number.isSafeInteger(n)) return String(n === 0 ? 0 : n); // folds -0 into 0
  if (Number.isInteger(n)) return BigInt(n).toString(); // same text as the equal bigint
  return String(n);
}
