import { captureFunction, type FunctionSpec } from '../closure/function-spec.js';
import { formatCallSite, userCallSite } from '../closure/call-site.js';
import type { Env } from './rdd.js';

/** Where the user called the API: "app.ts:12", or "<unknown>". */
export function callSiteLabel(): { label: string; site: ReturnType<typeof userCallSite> } {
  const site = userCallSite();
  return { label: site ? formatCallSite(site) : '<unknown>', site };
}

/**
 * Turns user functions into FunctionSpecs. Capture and encoding errors are collected, not thrown,
 * so that they fail the first action (before any task runs) rather than the transformation call.
 */
export function shipFunctions<N extends string>(
  fns: Record<N, Function>,
  env: Env | undefined,
  operation: string,
  site: ReturnType<typeof userCallSite>,
  errors: Error[],
): Record<N, FunctionSpec> {
  const out = {} as Record<N, FunctionSpec>;
  for (const [name, fn] of Object.entries(fns) as Array<[N, Function]>) {
    try {
      out[name] = captureFunction(fn, env, operation, site);
    } catch (e) {
      errors.push(e as Error);
      out[name] = { operation, source: '() => undefined', env: undefined, markers: [] };
    }
  }
  return out;
}

/** Ships a function written inside Kindling (no captures by construction). */
export function internalFunction(fn: Function, operation: string, env?: Env): FunctionSpec {
  return captureFunction(fn, env, operation);
}
