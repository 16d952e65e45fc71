import type { FunctionSpec } from '../closure/function-spec.js';
import { IllegalArgumentError, KindlingError } from '../errors.js';
import { registerCompute, type PartitionCompute } from './compute-registry.js';
import { oneToOne, type NarrowDependency } from './dependency.js';
import { partitionOpDefinition } from './partition-ops.js';
import type { RddDefinition } from './rdd-definition.js';
import type { Env, RDD } from './rdd.js';
import { callSiteLabel, shipFunctions } from './ship.js';

function sameContext(rdds: RDD<unknown>[], op: string): void {
  for (const r of rdds) if (r.kc !== rdds[0]!.kc) throw new IllegalArgumentError(`Cannot ${op} RDDs from different contexts`);
}

/** Spark's ZippedPartitionsRDD: partition i of every input, side by side, in one task. */
function zippedDefinition(rdds: RDD<unknown>[], fn: FunctionSpec | undefined): RddDefinition {
  sameContext(rdds, 'zip');
  const counts = rdds.map((r) => r.getNumPartitions());
  if (counts.some((c) => c !== counts[0])) {
    throw new IllegalArgumentError(`Can't zip RDDs with unequal numbers of partitions: List(${counts.join(', ')})`);
  }
  return {
    kind: 'zipped-partitions',
    className: 'ZippedPartitionsRDD',
    dependencies: rdds.map((r) => oneToOne(r)),
    numPartitions: counts[0]!,
    planArgs: { fn, count: rdds.length },
    // Spark prefers hosts that hold every input's partition; without such a host, any input's.
    preferredLocations: (p) => {
      const lists = rdds.map((r) => r.preferredLocations(p));
      const common = lists[0]!.filter((h) => lists.every((l) => l.includes(h)));
      return common.length > 0 ? common : [...new Set(lists.flat())];
    },
  };
}

export function zip<T, U>(a: RDD<T>, b: RDD<U>): RDD<[T, U]> {
  const { label } = callSiteLabel();
  return a.kc.makeRdd(zippedDefinition([a, b], undefined), `zip at ${label}`);
}

export function zipPartitions<R>(rdd: RDD<unknown>, others: RDD<unknown>[], fn: Function, env: Env | undefined): RDD<R> {
  if (others.length < 1 || others.length > 3) throw new IllegalArgumentError('zipPartitions takes one to three other RDDs, then a function');
  const { label, site } = callSiteLabel();
  const errors: Error[] = [];
  const specs = shipFunctions({ fn }, env, 'zipPartitions', site, errors);
  return rdd.kc.makeRdd(zippedDefinition([rdd, ...others], specs.fn), `zipPartitions at ${label}`, errors);
}

function iterable(it: Iterator<unknown>): IterableIterator<unknown> {
  return { next: () => it.next(), [Symbol.iterator]() { return this; } } as IterableIterator<unknown>;
}

function* zipIterators(a: Iterator<unknown>, b: Iterator<unknown>): Generator<unknown> {
  for (;;) {
    const x = a.next();
    const y = b.next();
    if (x.done && y.done) return;
    if (x.done || y.done) throw new KindlingError('Can only zip RDDs with same number of elements in each partition');
    yield [x.value, y.value];
  }
}

registerCompute('zipped-partitions', (args: { fn?: FunctionSpec; count: number }, parents: PartitionCompute[], env) => {
  if (!args.fn) return (p, tc) => zipIterators(parents[0]!(p, tc), parents[1]!(p, tc));
  const { fn, env: e } = env.compile(args.fn);
  return (p, tc) => {
    const out = fn(...parents.map((parent) => iterable(parent(p, tc))), e) as Iterable<unknown> | null | undefined;
    if (out == null || typeof (out as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`zipPartitions function must return an iterable (e.g. an array or a generator), got ${typeof out}`);
    }
    return out[Symbol.iterator]();
  };
});

/** Spark's CartesianRDD: partition (i, j) pairs every record of a's i with every record of b's j. */
export function cartesian<T, U>(a: RDD<T>, b: RDD<U>): RDD<[T, U]> {
  sameContext([a, b], 'cartesian');
  const { label } = callSiteLabel();
  const n2 = b.getNumPartitions();
  const deps: NarrowDependency[] = [
    { type: 'narrow', rdd: a, getParents: (p) => [Math.floor(p / n2)] },
    { type: 'narrow', rdd: b, getParents: (p) => [p % n2] },
  ];
  const def: RddDefinition = {
    kind: 'cartesian',
    className: 'CartesianRDD',
    dependencies: deps,
    numPartitions: a.getNumPartitions() * n2,
    planArgs: { n2 },
    preferredLocations: (p) => [...new Set([...a.preferredLocations(Math.floor(p / n2)), ...b.preferredLocations(p % n2)])],
  };
  return a.kc.makeRdd(def, `cartesian at ${label}`);
}

registerCompute('cartesian', (args: { n2: number }, [left, right]: PartitionCompute[]) => function* (p, tc) {
  // The right side is read once per task, not once per left record as Spark's iterator does.
  const rightRecords = Array.from(iterable(right!(p % args.n2, tc)));
  const it = left!(Math.floor(p / args.n2), tc);
  for (let x = it.next(); !x.done; x = it.next()) for (const y of rightRecords) yield [x.value, y];
});

/** Spark's zipWithIndex: a job counts every partition but the last, so each knows its first index. */
export function zipWithIndex<T>(rdd: RDD<T>): RDD<[T, number]> {
  const { label } = callSiteLabel();
  const n = rdd.getNumPartitions();
  const args: { starts: number[] } = { starts: n === 1 ? [0] : [] };
  const def = partitionOpDefinition(rdd, 'zipWithIndex', args, false, 'ZippedWithIndexRDD');
  def.prepare = async () => {
    if (args.starts.length === n) return;
    const counts = n <= 1 ? [] : ((await rdd.kc.runJob(rdd, { action: 'count', callSite: `zipWithIndex at ${label}` }, range(n - 1))) as number[]);
    let at = 0;
    args.starts = [0, ...counts.map((c) => (at += c))].slice(0, n);
  };
  return rdd.kc.makeRdd(def, `zipWithIndex at ${label}`);
}

export function zipWithUniqueId<T>(rdd: RDD<T>): RDD<[T, number]> {
  const { label } = callSiteLabel();
  return rdd.kc.makeRdd(partitionOpDefinition(rdd, 'zipWithUniqueId', { n: rdd.getNumPartitions() }, false), `zipWithUniqueId at ${label}`);
}

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
