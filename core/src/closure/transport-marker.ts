/**
 * Objects that stand for something an executor must look up itself (a broadcast variable, an
 * accumulator, a module) implement `[TRANSPORT]()`. When an environment is encoded the object
 * is replaced by its marker, a small plain object that survives structured cloning.
 */

/** `Symbol.for` so copies of @kindling/core loaded twice still agree on the key. */
export const TRANSPORT = Symbol.for('kindling.transport');

export interface TransportMarker {
  /** What the marker stands for: 'broadcast', 'accumulator', 'module', ... */
  $kindling: string;
  [k: string]: unknown;
}

export interface Transportable {
  [TRANSPORT](): TransportMarker;
}

/** True for objects that replace themselves by a marker when shipped. */
export function isTransportable(value: unknown): value is Transportable {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<Transportable>)[TRANSPORT] === 'function'
  );
}

/**
 * A stable identity for a marker: two markers with the same content are the same thing
 * (the same module, the same broadcast id), even after a structured-clone round trip.
 */
export function markerKey(marker: TransportMarker): string {
  return JSON.stringify(marker, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : typeof value === 'bigint'
        ? `${value}n`
        : value,
  );
}
