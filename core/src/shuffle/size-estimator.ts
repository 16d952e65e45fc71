/**
 * Cheap, approximate heap size of a value, in the spirit of Spark's SizeEstimator. It only
 * has to be good enough to decide when to spill, and callers sample it (see size-tracker.ts)
 * instead of calling it on every insert.
 */

const STRING_HEADER = 24;
const ARRAY_HEADER = 16;
const OBJECT_HEADER = 32;
const COLLECTION_HEADER = 64;
const ENTRY_OVERHEAD = 16;
const POINTER = 8;
/** Past this nesting depth values are counted as a pointer, so odd inputs cannot overflow the stack. */
const MAX_DEPTH = 64;

export function estimateSize(value: unknown): number {
  // Primitives are the hot case: no `seen` set is allocated for them.
  if (typeof value !== 'object' || value === null) return primitiveSize(value);
  return objectSize(value, new Set<object>(), 0);
}

function primitiveSize(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return STRING_HEADER + 2 * value.length;
    case 'number':
      return 8;
    case 'boolean':
      return 4;
    case 'bigint':
      return 16;
    case 'symbol':
      return 16;
    case 'function':
      return 64;
    default:
      return 4; // null, undefined
  }
}

function sizeOf(value: unknown, seen: Set<object>, depth: number): number {
  if (typeof value !== 'object' || value === null) return primitiveSize(value);
  return objectSize(value, seen, depth);
}

function objectSize(obj: object, seen: Set<object>, depth: number): number {
  // A value reachable twice is stored once; cycles (v8.deserialize can produce them) end here too.
  if (depth > MAX_DEPTH || seen.has(obj)) return POINTER;
  seen.add(obj);
  const next = depth + 1;
  if (Array.isArray(obj)) {
    let size = ARRAY_HEADER;
    for (let i = 0; i < obj.length; i++) size += sizeOf(obj[i], seen, next);
    return size;
  }
  if (ArrayBuffer.isView(obj)) return COLLECTION_HEADER + obj.byteLength;
  if (obj instanceof ArrayBuffer) return OBJECT_HEADER + obj.byteLength;
  if (obj instanceof Map) {
    let size = COLLECTION_HEADER;
    for (const [k, v] of obj) size += ENTRY_OVERHEAD + sizeOf(k, seen, next) + sizeOf(v, seen, next);
    return size;
  }
  if (obj instanceof Set) {
    let size = COLLECTION_HEADER;
    for (const v of obj) size += ENTRY_OVERHEAD + sizeOf(v, seen, next);
    return size;
  }
  if (obj instanceof Date) return OBJECT_HEADER;
  // Plain objects and class instances: property names are shared by hidden classes, so count a slot each.
  let size = OBJECT_HEADER;
  for (const key of Object.keys(obj)) size += POINTER + sizeOf((obj as Record<string, unknown>)[key], seen, next);
  return size;
}
