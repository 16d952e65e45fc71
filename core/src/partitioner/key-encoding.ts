import { unsupportedKeyError } from './unsupported-key-error.js';

/**
 * An injective, type-tagged string for any supported key: two keys encode alike exactly when they
 * are the same key (-0 is 0, NaN is NaN, arrays by value). KeyMap uses it for array keys, which JS
 * Maps would otherwise compare by identity.
 *
 * Grammar (every token's end is known, so concatenation stays unambiguous):
 *   null 'z' | true 't' | false 'f' | number 'n' String(v) ';' | bigint 'b' digits ';'
 *   | string 's' length ':' chars | array '[' element* ']'
 * The tags keep `['1']`, `[1]` and `[1n]` apart.
 */
export function encodeKey(key: unknown): string {
  switch (typeof key) {
    case 'string':
      return `s${key.length}:${key}`;
    case 'number':
      // String(-0) is '0' and String(NaN) is 'NaN', which is the equality KeyMap wants.
      return `n${key};`;
    case 'boolean':
      return key ? 't' : 'f';
    case 'bigint':
      return `b${key};`;
    case 'object':
      if (key === null) return 'z';
      if (Array.isArray(key)) return encodeArray(key);
      break;
  }
  throw unsupportedKeyError(key);
}

function encodeArray(a: unknown[]): string {
  let out = '[';
  for (let i = 0; i < a.length; i++) out += encodeKey(a[i]);
  return out + ']';
}
