import { SerializationError } from '../errors.js';
import type { FunctionSpec } from './function-spec.js';
import { resolveEnvironment } from './resolve-environment.js';
import { TOOLCHAIN_HELPERS } from './toolchain-helpers.js';
import type { TransportMarker } from './transport-marker.js';

/** A shipped function ready to run: call `fn(...args, env)`. */
export interface CompiledFunction {
  fn: (...args: any[]) => any;
  env: unknown;
}

interface Compiled {
  /** Builds the user function; its parameters are the spec's bindings. */
  factory: (...bound: unknown[]) => unknown;
  /** Method shorthand compiles to an object literal whose only property is the function. */
  method: boolean;
  /** Without bindings the function is the same for every env: build it once. */
  shared?: CompiledFunction['fn'];
}

const CACHE_LIMIT = 1000;
const cache = new Map<string, Compiled>();

/**
 * Executor side: turn a FunctionSpec back into a function. Sources are compiled once per
 * distinct text (strict mode, named `closure://<operation>` in stack traces); the env copy has
 * markers replaced by `resolveMarker(marker)`, and `spec.env` is left untouched.
 */
export function compileFunction(spec: FunctionSpec, resolveMarker: (m: TransportMarker) => unknown): CompiledFunction {
  const env = resolveEnvironment(spec.env, spec.markers, resolveMarker);
  const names = spec.bindings ?? [];
  const compiled = compiledFor(spec.source, spec.operation, names);
  if (names.length === 0) {
    compiled.shared ??= pick(compiled, compiled.factory());
    return { fn: compiled.shared, env };
  }
  const values = names.map((n) => (env as Record<string, unknown>)[n]);
  return { fn: pick(compiled, compiled.factory(...values)), env };
}

function compiledFor(source: string, operation: string, names: readonly string[]): Compiled {
  const key = `${operation}\0${names.join(',')}\0${source}`;
  let compiled = cache.get(key);
  if (!compiled) {
    compiled = compile(source, operation, names);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(key, compiled);
  }
  return compiled;
}

function compile(source: string, operation: string, names: readonly string[]): Compiled {
  const url = `//# sourceURL=closure://${operation.replace(/[^\w.$-]/g, '_')}`;
  try {
    return { factory: build(names, `"use strict"; return (${source}\n);\n${url}`), method: false };
  } catch (first) {
    try {
      return { factory: build(names, `"use strict"; return ({${source}\n});\n${url}`), method: true };
    } catch {
      throw new SerializationError(
        `The function shipped for ${operation}() does not compile on this executor: ${(first as Error).message}`,
      );
    }
  }
}

function build(names: readonly string[], body: string): Compiled['factory'] {
  // Toolchain helpers (tsx's __name) come first as parameters; an env binding of the same name wins.
  const helpers = [...TOOLCHAIN_HELPERS].filter(([name]) => !names.includes(name));
  // Function, not eval: the code sees only globals and its bindings, never this module's scope.
  const raw = new Function(...helpers.map(([name]) => name), ...names, body) as Compiled['factory'];
  const helperValues = helpers.map(([, value]) => value);
  return (...bound) => raw(...helperValues, ...bound);
}

function pick(compiled: Compiled, value: unknown): CompiledFunction['fn'] {
  if (!compiled.method) return value as CompiledFunction['fn'];
  const [descriptor] = Object.values(Object.getOwnPropertyDescriptors(value));
  return (descriptor?.value ?? descriptor?.get ?? descriptor?.set) as CompiledFunction['fn'];
}
