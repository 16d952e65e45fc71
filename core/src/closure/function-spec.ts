import { ClosureCaptureError, IllegalArgumentError } from '../errors.js';
import { formatCallSite, type CallSite } from './call-site.js';
import { captureErrorMessage, type CaptureProblem } from './capture-message.js';
import { encodeEnvironment, isPlainObject } from './encode-environment.js';
import { freeVariables } from './free-variables.js';
import { isJsGlobal } from './js-globals.js';
import { isToolchainHelper } from './toolchain-helpers.js';
import { importedBindings, type ImportedBinding } from './module-imports.js';
import type { TransportMarker } from './transport-marker.js';

/** A user function as it travels to executors: source text plus an explicit environment. */
export interface FunctionSpec {
  /** The API call that received the function (`map`, `reduceByKey`); names it in messages and stacks. */
  operation: string;
  source: string;
  /** Structured-cloneable; transportable objects are replaced by their markers. */
  env: unknown;
  /** Every distinct marker inside `env`, so executors can prepare them up front. */
  markers: TransportMarker[];
  /** `app.ts:12`, where the user passed the function. */
  callSite?: string;
  /**
   * Env keys the source uses as plain identifiers (`(x) => x > min` with `{ min }`): the
   * executor binds them around the function. Absent when the function only reads `env.<key>`.
   */
  bindings?: string[];
}

// Strict-mode code cannot declare these names, so they can never be bound from env.
const UNBINDABLE = new Set(['eval', 'arguments']);

/**
 * Check on the driver that `fn` can run on an executor given only its source and `env`, and
 * encode it. Every problem is collected first so the user fixes them in one round.
 */
export function captureFunction(
  fn: Function,
  env: Record<string, unknown> | undefined,
  operation: string,
  callSite?: CallSite,
): FunctionSpec {
  if (typeof fn !== 'function') {
    throw new IllegalArgumentError(`${operation}() needs a function, got ${fn === null ? 'null' : typeof fn}.`);
  }
  if (env !== undefined && !isPlainObject(env)) {
    throw new IllegalArgumentError(
      `The environment of ${operation}() must be a plain object such as { min, weights }, got ${Array.isArray(env) ? 'an array' : env === null ? 'null' : typeof env}.`,
    );
  }
  const where = callSite ? formatCallSite(callSite) : undefined;
  const report = freeVariables(Function.prototype.toString.call(fn));
  if (report.parseError) {
    throw new ClosureCaptureError(
      `The function passed to ${operation}()${where ? ` at ${where}` : ''} cannot be shipped to executors: ` +
        `its source does not parse as a strict-mode function (${report.parseError}).`,
    );
  }

  const problems: CaptureProblem[] = [];
  const bindings: string[] = [];
  const label = fn.name === 'bound ' ? 'bound <anonymous>' : fn.name || '<anonymous>';
  if (report.isNative) problems.push({ name: label, kind: 'native-function' });
  if (report.isClass) problems.push({ name: label, kind: 'class' });

  let imports: ReadonlyMap<string, ImportedBinding> | undefined;
  for (const { name, written } of report.freeVariables) {
    if (written) {
      problems.push({ name, kind: 'mutated-outer-variable' });
    } else if (env && Object.hasOwn(env, name) && !UNBINDABLE.has(name)) {
      bindings.push(name);
    } else if (!isJsGlobal(name) && !isToolchainHelper(name)) {
      imports ??= callSite ? importedBindings(callSite.file) : new Map();
      const binding = imports.get(name);
      problems.push(binding ? { name, kind: 'imported-binding', binding } : { name, kind: 'outer-variable' });
    }
  }
  if (report.usesImportMeta) problems.push({ name: 'import.meta', kind: 'outer-variable' });
  if (report.usesThis) problems.push({ name: 'this', kind: 'this' });
  if (report.usesSuper) problems.push({ name: 'super', kind: 'super' });
  if (report.usesArguments) problems.push({ name: 'arguments', kind: 'arguments' });
  for (const name of report.privateNames) problems.push({ name, kind: 'private-field' });

  if (problems.length > 0) {
    throw new ClosureCaptureError(
      captureErrorMessage(operation, where, problems),
      problems.map(({ name, kind }) => ({ name, kind })),
    );
  }

  const encoded = encodeEnvironment(env, operation);
  const spec: FunctionSpec = { operation, source: report.source, env: encoded.env, markers: encoded.markers };
  if (where) spec.callSite = where;
  if (bindings.length > 0) spec.bindings = bindings;
  return spec;
}
