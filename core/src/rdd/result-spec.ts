import type { FunctionSpec } from '../closure/function-spec.js';

/** What a result task does with its partition: a named action plus its shipped functions. */
export interface ResultSpec {
  action: string;
  fns?: Record<string, FunctionSpec>;
  args?: Record<string, unknown>;
  /** "collect at app.ts:20": names the job's final stage. */
  callSite?: string;
}
