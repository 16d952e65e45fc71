/**
 * The error for a task result that cannot travel to the driver (a function, a Symbol, a
 * Promise...). v8 says only "() => x could not be cloned"; this says which action and which
 * transformation produced it, where in the value it sits, what can travel, and the fix. It is
 * deterministic: running the task again gives the same result, so it must not be retried.
 */
import { SerializationError } from '../errors.js';
import type { StagePlan } from '../scheduler/stage-plan.js';

/** Marks errors that the same input reproduces; the scheduler fails the job at once. */
export const DETERMINISTIC_FAILURE = 'DeterministicTaskFailure';

export class ResultNotCloneableError extends SerializationError {}

const CAN_TRAVEL =
  'Results travel by structured clone: primitives (but not Symbols), plain objects, arrays, Map, Set, Date, RegExp, ' +
  'ArrayBuffer/typed arrays/Buffer and Error; not functions, Symbols, Promises, WeakMaps or class methods';

export function resultNotCloneable(value: unknown, plan: StagePlan, cause: Error): ResultNotCloneableError {
  const spec = plan.output.kind === 'result' ? plan.output.spec : undefined;
  const action = spec ? (spec.callSite ?? spec.action) : 'the shuffle write';
  const last = plan.nodes[plan.nodes.length - 1];
  const producer = last ? ` over the records of ${last.site ?? `${last.kind} (RDD ${last.rddId})`}` : '';
  const found = findUncloneable(value, 'result', 0, new Set());
  const where = found ? ` ${found.path} is ${found.what}` : ` ${cause.message}`;
  const error = new ResultNotCloneableError(
    `The result of ${action}${producer} cannot be sent to the driver:${where}. ${CAN_TRAVEL}. ` +
      'Fix: return plain data from your transformation or action function (e.g. call the function and return ' +
      'its value, or use a string key instead of a Symbol). Not retried: every attempt would fail the same way.',
  );
  (error as { kindlingFailure?: string }).kindlingFailure = DETERMINISTIC_FAILURE;
  return error;
}

/** Path and description of the first value v8 cannot clone, looking a few levels deep. */
function findUncloneable(value: unknown, at: string, depth: number, seen: Set<object>): { path: string; what: string } | undefined {
  if (typeof value === 'function') return { path: at, what: `a function (${snippet(value)})` };
  if (typeof value === 'symbol') return { path: at, what: `a Symbol (${String(value)})` };
  if (value === null || typeof value !== 'object' || depth > 8 || seen.has(value)) return undefined;
  seen.add(value);
  if (value instanceof Promise) return { path: at, what: 'a Promise (await it inside the task)' };
  if (value instanceof WeakMap || value instanceof WeakSet) return { path: at, what: 'a WeakMap or WeakSet' };
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Date || value instanceof RegExp) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < Math.min(value.length, 10_000); i++) {
      const f = findUncloneable(value[i], `${at}[${i}]`, depth + 1, seen);
      if (f) return f;
    }
    return undefined;
  }
  if (value instanceof Map) {
    let i = 0;
    for (const [k, v] of value) {
      const f = findUncloneable(k, `${at} map key #${i}`, depth + 1, seen) ?? findUncloneable(v, `${at}.get(${i})`, depth + 1, seen);
      if (f) return f;
      if (++i > 10_000) break;
    }
    return undefined;
  }
  if (value instanceof Set) {
    let i = 0;
    for (const v of value) {
      const f = findUncloneable(v, `${at} set element #${i}`, depth + 1, seen);
      if (f) return f;
      if (++i > 10_000) break;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    const f = findUncloneable((value as Record<string, unknown>)[key], `${at}.${key}`, depth + 1, seen);
    if (f) return f;
  }
  return undefined;
}

function snippet(fn: Function): string {
  const text = Function.prototype.toString.call(fn).replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
