import { compileFunction } from '../closure/function-compiler.js';
import type { FunctionSpec } from '../closure/function-spec.js';
import { isModuleMarker } from '../closure/module-ref.js';
import { isTransportable, markerKey, TRANSPORT } from '../closure/transport-marker.js';
import { IllegalArgumentError, KindlingError } from '../errors.js';
import { loadModule } from '../closure/module-loader.js';
import { compareKeys } from '../partitioner/key-ordering.js';
import type { ResultSpec } from './result-spec.js';
import type { Env, Pair, RDD } from './rdd.js';
import { callSiteLabel, shipFunctions } from './ship.js';
import { saveOutput } from './output-commit.js';

/** Runs `spec` over the partitions of `rdd` and returns the per-partition results in order. */
function run(rdd: RDD<any>, spec: ResultSpec, partitions?: number[]): Promise<unknown[]> {
  return rdd.kc.runJob(rdd, spec, partitions);
}

/** Ships user functions for an action; capture errors reject the action before any task runs. */
function actionFunctions<N extends string>(rdd: RDD<any>, fns: Record<N, Function>, env: Env | undefined, op: string) {
  const { label, site } = callSiteLabel();
  const errors: Error[] = [];
  const specs = shipFunctions(fns, env, op, site, errors);
  return { specs, errors, label };
}

async function runWithFunctions(
  rdd: RDD<any>,
  op: string,
  fns: Record<string, Function>,
  env: Env | undefined,
  args: Record<string, unknown> = {},
): Promise<{ parts: unknown[]; onDriver: (name: string) => Promise<(...a: any[]) => unknown> }> {
  const { specs, errors, label } = actionFunctions(rdd, fns, env, op);
  if (errors.length > 0) throw errors[0];
  const parts = await rdd.kc.runJob(rdd, { action: op, fns: specs, args, callSite: `${op} at ${label}` });
  return { parts, onDriver: (name) => driverFunction(rdd, specs[name]!, env) };
}

/**
 * A shipped function for the driver's final merge (reduce, fold, aggregate, takeOrdered),
 * compiled from its spec as executors do: useModule() entries must be module namespaces here
 * too, while the user's own closure would see the ModuleRef. Broadcasts and accumulators
 * resolve to the driver's objects.
 */
export async function driverFunction(rdd: RDD<any>, spec: FunctionSpec, env: Env | undefined): Promise<(...a: any[]) => unknown> {
  const resolved = new Map<string, unknown>();
  collectTransportables(env, resolved, new Set());
  const appRoot = rdd.kc.conf.get('kindling.app.root') ?? process.cwd();
  for (const m of spec.markers) {
    if (isModuleMarker(m)) resolved.set(markerKey(m), await loadModule(m.specifier, { appRoot, executorId: 'driver' }));
  }
  const compiled = compileFunction(spec, (m) => resolved.get(markerKey(m)));
  return (...a) => compiled.fn(...a, compiled.env);
}

function collectTransportables(value: unknown, out: Map<string, unknown>, seen: Set<object>): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  if (isTransportable(value)) {
    out.set(markerKey(value[TRANSPORT]()), value);
    return;
  }
  const children = value instanceof Map ? [...value.keys(), ...value.values()] : value instanceof Set ? [...value] : Object.values(value);
  for (const v of children) collectTransportables(v, out, seen);
}

export async function collect<T>(rdd: RDD<T>): Promise<T[]> {
  const parts = (await run(rdd, { action: 'collect', callSite: `collect at ${callSiteLabel().label}` })) as T[][];
  return parts.flat(1) as T[];
}

export async function count(rdd: RDD<unknown>): Promise<number> {
  const parts = (await run(rdd, { action: 'count', callSite: `count at ${callSiteLabel().label}` })) as number[];
  return parts.reduce((a, b) => a + b, 0);
}

/** Spark's take: scan one partition, then grow the number of partitions tried by up to 4x. */
export async function take<T>(rdd: RDD<T>, n: number): Promise<T[]> {
  if (!Number.isInteger(n) || n < 0) throw new IllegalArgumentError(`take() needs a non-negative integer, got ${n}`);
  const callSite = `take at ${callSiteLabel().label}`;
  const out: T[] = [];
  const total = rdd.getNumPartitions();
  let scanned = 0;
  while (out.length < n && scanned < total) {
    let tryCount = 1;
    if (scanned > 0) {
      tryCount = out.length === 0 ? scanned * 4 : Math.ceil((1.5 * n * scanned) / out.length) - scanned;
      tryCount = Math.min(Math.max(tryCount, 1), scanned * 4);
    }
    const partitions = Array.from({ length: Math.min(tryCount, total - scanned) }, (_, i) => scanned + i);
    const parts = (await run(rdd, { action: 'take', args: { n: n - out.length }, callSite }, partitions)) as T[][];
    for (const p of parts) for (const x of p) if (out.length < n) out.push(x);
    scanned += partitions.length;
  }
  return out;
}

export async function first<T>(rdd: RDD<T>): Promise<T> {
  const found = await take(rdd, 1);
  if (found.length === 0) throw new KindlingError('empty collection');
  return found[0] as T;
}

export async function takeOrdered<T>(
  rdd: RDD<T>,
  n: number,
  compare: Function | undefined,
  env: Env | undefined,
  reverse: boolean,
): Promise<T[]> {
  if (!Number.isInteger(n) || n < 0) throw new IllegalArgumentError(`takeOrdered() needs a non-negative integer, got ${n}`);
  if (n === 0) return [];
  const op = reverse ? 'top' : 'takeOrdered';
  const fns: Record<string, Function> = compare ? { compare } : {};
  const { parts, onDriver } = await runWithFunctions(rdd, 'takeOrdered', fns, env, { n, reverse, op });
  const cmp = compare ? ((await onDriver('compare')) as (a: T, b: T) => number) : (a: T, b: T) => compareKeys(a, b);
  const ordered = reverse ? (a: T, b: T) => cmp(b, a) : cmp;
  return (parts as T[][]).flat(1).sort(ordered as (a: unknown, b: unknown) => number).slice(0, n) as T[];
}

export async function reduce<T>(rdd: RDD<T>, fn: Function, env?: Env): Promise<T> {
  const { parts, onDriver } = await runWithFunctions(rdd, 'reduce', { fn }, env);
  const present = (parts as Array<{ has: boolean; value: T }>).filter((p) => p.has);
  if (present.length === 0) throw new KindlingError('empty collection');
  const merge = await onDriver('fn');
  return present.slice(1).reduce((acc, p) => merge(acc, p.value) as T, present[0]!.value);
}

export async function fold<T>(rdd: RDD<T>, zero: T, fn: Function, env?: Env): Promise<T> {
  const { parts, onDriver } = await runWithFunctions(rdd, 'fold', { fn }, env, { zero });
  const merge = await onDriver('fn');
  return (parts as T[]).reduce((acc, v) => merge(acc, v) as T, structuredClone(zero));
}

export async function aggregate<T, U>(rdd: RDD<T>, zero: U, seqOp: Function, combOp: Function, env?: Env): Promise<U> {
  const { parts, onDriver } = await runWithFunctions(rdd, 'aggregate', { seqOp, combOp }, env, { zero });
  const merge = await onDriver('combOp');
  return (parts as U[]).reduce((acc, v) => merge(acc, v) as U, structuredClone(zero));
}

export async function countByKey<K, V>(rdd: RDD<Pair<K, V>>): Promise<Map<K, number>> {
  const counts = await rdd
    .mapValues(() => 1)
    .reduceByKey((a: number, b: number) => a + b)
    .collect();
  return new Map(counts);
}

export async function countByValue<T>(rdd: RDD<T>): Promise<Map<T, number>> {
  return countByKey(rdd.map((x: T) => [x, null] as [T, null]));
}

export async function foreach<T>(rdd: RDD<T>, fn: Function, env?: Env): Promise<void> {
  await runWithFunctions(rdd, 'foreach', { fn }, env);
}

export async function foreachPartition<T>(rdd: RDD<T>, fn: Function, env?: Env): Promise<void> {
  await runWithFunctions(rdd, 'foreachPartition', { fn }, env);
}

/** Writes part-NNNNN files plus _SUCCESS through the output commit protocol (see output-commit.ts). */
export async function saveAsTextFile(rdd: RDD<unknown>, dir: string, options: { codec?: 'gzip' } = {}): Promise<void> {
  if (options.codec !== undefined && options.codec !== 'gzip') {
    throw new IllegalArgumentError(`Unknown compression codec '${String(options.codec)}'; Kindling writes 'gzip' (or no codec)`);
  }
  const args = options.codec ? { codec: options.codec } : {};
  await saveOutput(rdd, dir, { action: 'saveAsTextFile', args, callSite: `saveAsTextFile at ${callSiteLabel().label}` });
}
