import type { FunctionSpec } from '../closure/function-spec.js';
import { IllegalArgumentError, KindlingError } from '../errors.js';
import { HashPartitioner } from '../partitioner/hash-partitioner.js';
import { mapPartitionsDefinition } from './map-partitions.js';
import { wrapSpec } from './pair-functions.js';
import { driverFunction } from './rdd-actions.js';
import type { Env, RDD } from './rdd.js';
import { callSiteLabel, internalFunction, shipFunctions } from './ship.js';
import { shuffledDefinition } from './shuffled.js';
import { v8Cloneable } from './v8-cloneable.js';

function checkDepth(depth: number): void {
  if (!Number.isInteger(depth) || depth < 1) throw new IllegalArgumentError(`Depth must be greater than or equal to 1 but got ${depth}.`);
}

function ship(fns: Record<string, Function>, env: Env | undefined, op: string): { specs: Record<string, FunctionSpec>; label: string } {
  const { label, site } = callSiteLabel();
  const errors: Error[] = [];
  const specs = shipFunctions(fns, env, op, site, errors);
  if (errors.length > 0) throw errors[0];
  return { specs, label };
}

/**
 * Spark's treeAggregate: aggregate each partition, then combine the partial results in rounds
 * of about n^(1/depth) over shuffles (keyed by index mod the new count), so the driver merges
 * only a few of them at the end.
 */
async function treeAggregateSpecs(
  rdd: RDD<unknown>,
  zero: unknown,
  seqOp: FunctionSpec,
  combOp: FunctionSpec,
  depth: number,
  env: Env | undefined,
  label: string,
): Promise<unknown> {
  const zeroError = v8Cloneable(zero, 'the zero value of treeAggregate()');
  if (zeroError) throw zeroError;
  if (rdd.getNumPartitions() === 0) return structuredClone(zero);
  const site = `treeAggregate at ${label}`;
  const perPartition = wrapSpec(
    seqOp,
    (src) => `(it, env) => { const f = (${src}); let acc = structuredClone(env.__kindlingZero); for (const x of it) acc = f(acc, x, env); return [acc]; }`,
    { __kindlingZero: zero },
  );
  let partial = rdd.kc.makeRdd<unknown>(mapPartitionsDefinition(rdd, { op: 'mapPartitions', fn: perPartition }, false), site);
  let n = partial.getNumPartitions();
  const scale = Math.max(Math.ceil(n ** (1 / depth)), 2);
  const aggregator = {
    createCombiner: wrapSpec(combOp, (src) => `(v, env) => (${src})(structuredClone(env.__kindlingZero), v, env)`, { __kindlingZero: zero }),
    mergeValue: combOp,
    mergeCombiners: combOp,
  };
  while (n > scale + Math.ceil(n / scale)) {
    n = Math.floor(n / scale);
    const keyBy = internalFunction(
      function* (i: number, it: Iterable<unknown>, e: { n: number }) {
        for (const x of it) yield [i % e.n, x];
      },
      'treeAggregate',
      { n },
    );
    const keyed = rdd.kc.makeRdd(mapPartitionsDefinition(partial, { op: 'mapPartitionsWithIndex', fn: keyBy }, false), site);
    const folded = rdd.kc.makeRdd(shuffledDefinition(keyed, new HashPartitioner(n), { aggregator, mapSideCombine: true }), site);
    partial = rdd.kc.makeRdd(mapPartitionsDefinition(folded, { op: 'values' }, false), site);
  }
  const parts = await partial.collect();
  const merge = await driverFunction(rdd, combOp, env);
  return parts.reduce((acc, v) => merge(acc, v), structuredClone(zero));
}

export async function treeAggregate<U>(rdd: RDD<unknown>, zero: U, seqOp: Function, combOp: Function, depth: number, env?: Env): Promise<U> {
  checkDepth(depth);
  const { specs, label } = ship({ seqOp, combOp }, env, 'treeAggregate');
  return (await treeAggregateSpecs(rdd, zero, specs.seqOp!, specs.combOp!, depth, env, label)) as U;
}

/** Spark's treeReduce: reduce each partition to an optional value, then treeAggregate the options. */
export async function treeReduce<T>(rdd: RDD<T>, fn: Function, depth: number, env?: Env): Promise<T> {
  checkDepth(depth);
  const { specs, label } = ship({ fn }, env, 'treeReduce');
  const f = specs.fn!;
  const seq = wrapSpec(f, (src) => `(a, x, env) => (a.has ? { has: true, value: (${src})(a.value, x, env) } : { has: true, value: x })`, {});
  const comb = wrapSpec(f, (src) => `(a, b, env) => (!a.has ? b : !b.has ? a : { has: true, value: (${src})(a.value, b.value, env) })`, {});
  const out = (await treeAggregateSpecs(rdd, { has: false, value: null }, seq, comb, depth, env, label)) as { has: boolean; value: T };
  if (!out.has) throw new KindlingError('empty collection');
  return out.value;
}
