import { isPlainObject } from './encode-environment.js';
import { markerKey, type TransportMarker } from './transport-marker.js';

/**
 * Executor side of encodeEnvironment: a copy of `env` with every marker replaced by what
 * `resolveMarker` returns (a module namespace, a broadcast value, an accumulator). `env` is not
 * modified, so a spec can be compiled again. Each distinct marker is resolved once.
 */
export function resolveEnvironment(
  env: unknown,
  markers: readonly TransportMarker[],
  resolveMarker: (m: TransportMarker) => unknown,
): unknown {
  if (markers.length === 0) return env;
  // Markers are recognised by content: after a structured-clone trip they are new objects.
  const known = new Set(markers.map(markerKey));
  const resolved = new Map<string, unknown>();
  const memo = new Map<object, unknown>();

  const copy = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    if (memo.has(value)) return memo.get(value);
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      memo.set(value, out);
      for (const v of value) out.push(copy(v));
      return out;
    }
    if (value instanceof Map) {
      const out = new Map();
      memo.set(value, out);
      for (const [k, v] of value) out.set(copy(k), copy(v));
      return out;
    }
    if (value instanceof Set) {
      const out = new Set();
      memo.set(value, out);
      for (const v of value) out.add(copy(v));
      return out;
    }
    if (!isPlainObject(value)) return value;
    if (typeof value.$kindling === 'string') {
      const key = markerKey(value as TransportMarker);
      if (known.has(key)) {
        if (!resolved.has(key)) resolved.set(key, resolveMarker(value as TransportMarker));
        return resolved.get(key);
      }
    }
    const out: Record<string, unknown> = {};
    memo.set(value, out);
    for (const key of Object.keys(value)) out[key] = copy(value[key]);
    return out;
  };
  return copy(env);
}
