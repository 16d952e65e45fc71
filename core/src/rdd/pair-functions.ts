import { v8Cloneable } from './v8-cloneable.js';
import type { FunctionSpec } from '../closure/function-spec.js';
import { IllegalArgumentError } from '../errors.js';
import { HashPartitioner } from '../partitioner/hash-partitioner.js';
import type { Partitioner } from '../partitioner/partitioner.js';
import { combineLocalDefinition } from './combine-local.js';
import { coGroupedDefinition } from './cogrouped.js';
import type { AggregatorSpec } from './dependency.js';
import { mapPartitionsDefinition } from './map-partitions.js';
import type { Env, Pair, RDD } from './rdd.js';
import { callSiteLabel, internalFunction, shipFunctions } from './ship.js';
import { shuffledDefinition } from './shuffled.js';
import { DeferredRangePartitioner } from './deferred-range-partitioner.js';

type AnyPair = RDD<Pair<unknown, unknown>>;

/**
 * Spark's Partitioner.defaultPartitioner: reuse the largest existing partitioner when it is
 * within an order of magnitude of the largest input, else hash into
 * kindling.default.parallelism (or the largest input's partition count) partitions.
 */
export function defaultPartitioner(rdd: RDD<any>, others: RDD<any>[], requested?: number | Partitioner): Partitioner {
  if (requested !== undefined && typeof requested === 'object') return requested;
  if (typeof requested === 'number') return new HashPartitioner(requested);
  const all = [rdd, ...others];
  const maxPartitions = Math.max(...all.map((r) => r.getNumPartitions()));
  const withPartitioner = all.filter((r) => r.partitioner && r.partitioner.numPartitions > 0);
  const best = withPartitioner.sort((a, b) => b.getNumPartitions() - a.getNumPartitions())[0];
  const conf = rdd.kc.conf;
  const defaultCount = conf.has('kindling.default.parallelism')
    ? conf.getInt('kindling.default.parallelism', maxPartitions)
    : maxPartitions;
  if (best) {
    const eligible = Math.log10(maxPartitions) - Math.log10(best.getNumPartitions()) < 1;
    if (eligible || best.getNumPartitions() >= defaultCount) return best.partitioner!;
  }
  return new HashPartitioner(defaultCount);
}

/** Builds a spec whose source calls the user's function; used to fold in zero values. */
export function wrapSpec(user: FunctionSpec, template: (userSource: string) => string, extraEnv: Env): FunctionSpec {
  const baseEnv = (user.env ?? {}) as Env;
  return { ...user, source: template(user.source), env: { ...baseEnv, ...extraEnv } };
}

function aggregated(
  rdd: AnyPair,
  aggregator: AggregatorSpec,
  partitioner: Partitioner,
  mapSideCombine: boolean,
  label: string,
  errors: Error[],
): AnyPair {
  if (rdd.partitioner && rdd.partitioner.equals(partitioner)) {
    return rdd.kc.makeRdd(combineLocalDefinition(rdd, aggregator, false), label, errors);
  }
  return rdd.kc.makeRdd(shuffledDefinition(rdd, partitioner, { aggregator, mapSideCombine }), label, errors);
}

export function combineByKey(
  rdd: AnyPair,
  createCombiner: Function,
  mergeValue: Function,
  mergeCombiners: Function,
  numPartitions: number | Partitioner | undefined,
  env: Env | undefined,
  mapSideCombine: boolean,
  operation = 'combineByKey',
): any {
  const { label, site } = callSiteLabel();
  const errors: Error[] = [];
  const specs = shipFunctions({ createCombiner, mergeValue, mergeCombiners }, env, operation, site, errors);
  const partitioner = defaultPartitioner(rdd, [], numPartitions);
  return aggregated(rdd, specs, partitioner, mapSideCombine, `${operation} at ${label}`, errors);
}

export function reduceByKey(rdd: AnyPair, fn: Function, numPartitions: number | Partitioner | undefined, env?: Env): any {
  return combineByKey(rdd, (v: unknown) => v, fn, fn, numPartitions, env, true, 'reduceByKey');
}

/** Folds a fresh copy of the zero value into the first value of each key, as Spark does. */
export function foldByKey(rdd: AnyPair, zero: unknown, fn: Function, numPartitions: number | Partitioner | undefined, env?: Env): any {
  return aggregateByKey(rdd, zero, fn, fn, numPartitions, env, 'foldByKey');
}

export function aggregateByKey(
  rdd: AnyPair,
  zero: unknown,
  seqOp: Function,
  combOp: Function,
  numPartitions: number | Partitioner | undefined,
  env?: Env,
  operation = 'aggregateByKey',
): any {
  const { label, site } = callSiteLabel();
  const errors: Error[] = [];
  const specs = shipFunctions({ seqOp, combOp }, env, operation, site, errors);
  const zeroError = v8Cloneable(zero, `the zero value of ${operation}()`);
  if (zeroError) errors.push(zeroError);
  const createCombiner = wrapSpec(
    specs.seqOp,
    (src) => `(v, env) => (${src})(structuredClone(env.__kindlingZero), v, env)`,
    { __kindlingZero: zeroError ? null : zero },
  );
  const aggregator = { createCombiner, mergeValue: specs.seqOp, mergeCombiners: specs.combOp };
  const partitioner = defaultPartitioner(rdd, [], numPartitions);
  return aggregated(rdd, aggregator, partitioner, true, `${operation} at ${label}`, errors);
}

export function groupByKey(rdd: AnyPair, numPartitions: number | Partitioner | undefined): any {
  return combineByKey(
    rdd,
    (v: unknown) => [v],
    (c: unknown[], v: unknown) => (c.push(v), c),
    (a: unknown[], b: unknown[]) => {
      for (const v of b) a.push(v);
      return a;
    },
    numPartitions,
    undefined,
    false,
    'groupByKey',
  );
}

export function partitionBy(rdd: AnyPair, partitioner: Partitioner): any {
  if (rdd.partitioner && rdd.partitioner.equals(partitioner)) return rdd;
  const { label } = callSiteLabel();
  return rdd.kc.makeRdd(shuffledDefinition(rdd, partitioner), `partitionBy at ${label}`);
}

export function sortByKey(rdd: AnyPair, ascending: boolean, numPartitions?: number): any {
  const n = numPartitions ?? rdd.getNumPartitions();
  // Spark's RangePartitioner allows 0 partitions: sorting an empty RDD gives an empty RDD.
  if (!Number.isInteger(n) || n < 0) throw new IllegalArgumentError(`Number of partitions cannot be negative but found ${n}.`);
  // As Spark's RangePartitioner (bounds + 1 partitions), 0 requested partitions still keep the data.
  const partitions = n === 0 && rdd.getNumPartitions() > 0 ? 1 : n;
  const { label } = callSiteLabel();
  const partitioner = new DeferredRangePartitioner(partitions, ascending, rdd);
  return rdd.kc.makeRdd(shuffledDefinition(rdd, partitioner, { ordering: { ascending } }), `sortByKey at ${label}`);
}

export function sortBy(rdd: RDD<any>, fn: Function, ascending: boolean, numPartitions: number | undefined, env?: Env): any {
  return sortByKey(rdd.keyBy(fn as (x: unknown, env: Env) => unknown, env), ascending, numPartitions).values();
}

export function cogroup(rdd: AnyPair, others: AnyPair[], numPartitions: number | Partitioner | undefined): any {
  const { label } = callSiteLabel();
  for (const o of others) {
    if (o.kc !== rdd.kc) throw new IllegalArgumentError('Cannot cogroup RDDs from different contexts');
  }
  const partitioner = defaultPartitioner(rdd, others, numPartitions);
  return rdd.kc.makeRdd(coGroupedDefinition([rdd, ...others], partitioner), `cogroup at ${label}`);
}

const JOINS = {
  inner: function* (g: [unknown[], unknown[]]) {
    for (const v of g[0]) for (const w of g[1]) yield [v, w];
  },
  left: function* (g: [unknown[], unknown[]]) {
    for (const v of g[0]) {
      if (g[1].length === 0) yield [v, null];
      else for (const w of g[1]) yield [v, w];
    }
  },
  right: function* (g: [unknown[], unknown[]]) {
    for (const w of g[1]) {
      if (g[0].length === 0) yield [null, w];
      else for (const v of g[0]) yield [v, w];
    }
  },
  full: function* (g: [unknown[], unknown[]]) {
    if (g[0].length === 0) for (const w of g[1]) yield [null, w];
    else if (g[1].length === 0) for (const v of g[0]) yield [v, null];
    else for (const v of g[0]) for (const w of g[1]) yield [v, w];
  },
};

export function join(rdd: AnyPair, other: AnyPair, how: keyof typeof JOINS, numPartitions: number | Partitioner | undefined): any {
  const grouped = cogroup(rdd, [other], numPartitions) as RDD<any>;
  const { label } = callSiteLabel();
  const op = how === 'inner' ? 'join' : `${how}OuterJoin`;
  const fn = internalFunction(JOINS[how], op);
  return rdd.kc.makeRdd(mapPartitionsDefinition(grouped, { op: 'flatMapValues', fn }, true), `${op} at ${label}`);
}

export function subtractByKey(rdd: AnyPair, other: AnyPair, numPartitions: number | Partitioner | undefined): any {
  const grouped = cogroup(rdd, [other], numPartitions ?? rdd.getNumPartitions()) as RDD<any>;
  const { label } = callSiteLabel();
  const fn = internalFunction((g: [unknown[], unknown[]]) => (g[1].length === 0 ? g[0] : []), 'subtractByKey');
  return rdd.kc.makeRdd(mapPartitionsDefinition(grouped, { op: 'flatMapValues', fn }, true), `subtractByKey at ${label}`);
}

export function distinct(rdd: RDD<any>, numPartitions?: number): any {
  const n = numPartitions ?? rdd.getNumPartitions();
  const first = (a: unknown) => a;
  // SPARK-21436: already partitioned into as many partitions: dedupe inside each one, keep the partitioner.
  if (rdd.partitioner && n === rdd.getNumPartitions()) {
    const { label } = callSiteLabel();
    const keyed = rdd.kc.makeRdd<Pair<unknown, null>>(
      mapPartitionsDefinition(rdd, { op: 'map', fn: internalFunction((x: unknown) => [x, null], 'distinct') }, true),
      `distinct at ${label}`,
    );
    const aggregator = { createCombiner: internalFunction(first, 'distinct'), mergeValue: internalFunction(first, 'distinct'), mergeCombiners: internalFunction(first, 'distinct') };
    const deduped = rdd.kc.makeRdd(combineLocalDefinition(keyed, aggregator, false), `distinct at ${label}`);
    return rdd.kc.makeRdd(mapPartitionsDefinition(deduped, { op: 'keys' }, true), `distinct at ${label}`);
  }
  return reduceByKey(rdd.map((x: unknown) => [x, null] as [unknown, null]), first, n).keys();
}
