import { serialize } from 'node:v8';
import { IllegalArgumentError, SerializationError } from '../errors.js';
import { isTransportable, markerKey, TRANSPORT, type TransportMarker } from './transport-marker.js';

/** A function's environment as it travels: markers in place of transportable objects. */
export interface EncodedEnvironment {
  env: unknown;
  markers: TransportMarker[];
}

/**
 * Check that `env` survives structured cloning and replace transportable objects (broadcasts,
 * accumulators, modules) by their markers. The original `env` is never modified: when a marker
 * is found the containers are copied. Problems are reported with their path (`env.weights[3]`).
 */
export function encodeEnvironment(env: Record<string, unknown> | undefined, operation: string): EncodedEnvironment {
  if (env === undefined) return { env: undefined, markers: [] };
  if (!isPlainObject(env)) {
    throw new IllegalArgumentError(
      `The environment of ${operation}() must be a plain object such as { min, weights }, got ${describe(env)}.`,
    );
  }
  const markers = new Map<string, TransportMarker>();
  inspect(env, 'env', new Set(), markers, operation);
  const encoded = markers.size > 0 ? copyWithMarkers(env, new Map()) : env;
  try {
    serialize(encoded);
  } catch (e) {
    // The walk above knows the common failures; this is V8's verdict on anything it missed.
    throw new SerializationError(
      `The environment of ${operation}() cannot be shipped: ${(e as Error).message} Pass plain data, or use useModule(...) for code.`,
    );
  }
  return { env: encoded, markers: [...markers.values()] };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as object | null;
  // The second test accepts plain objects from other realms (vm contexts, worker messages).
  return proto === null || proto === Object.prototype || (Object.getPrototypeOf(proto) === null && proto.constructor?.name === 'Object');
}

const NOT_CLONEABLE = [WeakMap, WeakSet, WeakRef, Promise, FinalizationRegistry];
const BUILTIN_ERRORS = [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError, AggregateError];

/** Built-in objects structured clone copies faithfully; nothing inside them to walk. */
function isCloneableLeaf(value: object): boolean {
  return (
    value instanceof Date || value instanceof RegExp || value instanceof ArrayBuffer ||
    value instanceof SharedArrayBuffer || ArrayBuffer.isView(value) ||
    value instanceof Boolean || value instanceof Number || value instanceof String || value instanceof BigInt ||
    BUILTIN_ERRORS.some((E) => Object.getPrototypeOf(value) === E.prototype)
  );
}

function inspect(value: unknown, path: string, seen: Set<object>, markers: Map<string, TransportMarker>, operation: string): void {
  const fail: (what: string, fix?: string) => never = (what, fix = 'Pass plain data, or use useModule(...) for code.') => {
    throw new SerializationError(`The environment of ${operation}() cannot be shipped: ${path} ${what} ${fix}`);
  };
  if (typeof value === 'function') fail('is a function, which cannot be cloned.');
  if (typeof value === 'symbol') fail('is a symbol, which cannot be cloned.');
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);

  if (isTransportable(value)) {
    const m = value[TRANSPORT]();
    markers.set(markerKey(m), m);
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      // Large numeric arrays are common; skip primitives without building their paths.
      if (typeof v === 'object' ? v !== null : typeof v === 'function' || typeof v === 'symbol') {
        inspect(v, `${path}[${i}]`, seen, markers, operation);
      }
    }
  } else if (value instanceof Map) {
    let i = 0;
    for (const [k, v] of value) {
      inspect(k, `[...${path}.keys()][${i}]`, seen, markers, operation);
      inspect(v, `${path}.get(${keyText(k, i)})`, seen, markers, operation);
      i++;
    }
  } else if (value instanceof Set) {
    let i = 0;
    for (const v of value) inspect(v, `[...${path}][${i++}]`, seen, markers, operation);
  } else if (isPlainObject(value)) {
    for (const key of Object.keys(value)) inspect(value[key], `${path}${propText(key)}`, seen, markers, operation);
  } else if (!isCloneableLeaf(value)) {
    const builtin = NOT_CLONEABLE.find((C) => value instanceof C);
    if (builtin) fail(`is a ${builtin.name}, which cannot be cloned.`);
    const name = (value as { constructor?: { name?: string } }).constructor?.name || 'anonymous';
    fail(`is an instance of class ${name}, which arrives on executors as a plain object.`, 'Pass plain data, or rebuild it in the function.');
  }
}

/** Deep copy of the containers, markers in place of transportable objects; keeps cycles. */
function copyWithMarkers(value: unknown, memo: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (memo.has(value)) return memo.get(value);
  if (isTransportable(value)) {
    return value[TRANSPORT]();
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    memo.set(value, out);
    for (const v of value) out.push(copyWithMarkers(v, memo));
    return out;
  }
  if (value instanceof Map) {
    const out = new Map();
    memo.set(value, out);
    for (const [k, v] of value) out.set(copyWithMarkers(k, memo), copyWithMarkers(v, memo));
    return out;
  }
  if (value instanceof Set) {
    const out = new Set();
    memo.set(value, out);
    for (const v of value) out.add(copyWithMarkers(v, memo));
    return out;
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    memo.set(value, out);
    for (const key of Object.keys(value)) out[key] = copyWithMarkers(value[key], memo);
    return out;
  }
  return value;
}

function propText(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function keyText(key: unknown, index: number): string {
  if (typeof key === 'string') return JSON.stringify(key);
  if (typeof key === 'number' || typeof key === 'boolean') return String(key);
  if (typeof key === 'bigint') return `${key}n`;
  return `<key ${index}>`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an instance of ${(value as object).constructor?.name ?? 'an unknown class'}`;
  return `a ${typeof value}`;
}
