import type { FunctionSpec } from '../closure/function-spec.js';
import { registerCompute, type ComputeEnv, type PartitionCompute } from './compute-registry.js';
import { oneToOne } from './dependency.js';
import type { RddDefinition } from './rdd-definition.js';
import type { RDD } from './rdd.js';
import { seededRandom } from '../partitioner/seeded-random.js';

/** Per-element and per-partition operations that run pipelined in the parent's task. */
export type MapOp =
  | 'map'
  | 'flatMap'
  | 'filter'
  | 'mapPartitions'
  | 'mapPartitionsWithIndex'
  | 'keyBy'
  | 'mapValues'
  | 'flatMapValues'
  | 'keys'
  | 'values'
  | 'sample';

export interface MapPartitionsArgs {
  op: MapOp;
  fn?: FunctionSpec;
  sample?: { withReplacement: boolean; fraction: number; seed: number };
}

export function mapPartitionsDefinition(
  parent: RDD<unknown>,
  args: MapPartitionsArgs,
  preservesPartitioning: boolean,
): RddDefinition {
  return {
    kind: 'map-partitions',
    className: 'MapPartitionsRDD',
    dependencies: [oneToOne(parent)],
    numPartitions: parent.getNumPartitions(),
    planArgs: args,
    partitioner: preservesPartitioning ? parent.partitioner : undefined,
  };
}

type Fn = (...args: any[]) => any;

/** Iterator over `src` applying `step`; `step` returns SKIP to drop an element. */
const SKIP = Symbol('skip');

class StepIterator implements IterableIterator<unknown> {
  constructor(
    private readonly src: Iterator<unknown>,
    private readonly step: (x: unknown) => unknown,
  ) {}
  next(): IteratorResult<unknown> {
    for (;;) {
      const r = this.src.next();
      if (r.done) return r;
      const v = this.step(r.value);
      if (v !== SKIP) return { done: false, value: v };
    }
  }
  return(value?: unknown): IteratorResult<unknown> {
    this.src.return?.();
    return { done: true, value };
  }
  [Symbol.iterator](): IterableIterator<unknown> {
    return this;
  }
}

/** flatMap: arrays are walked by index, other iterables through their iterator. */
class FlatIterator implements IterableIterator<unknown> {
  private arr: unknown[] | undefined;
  private i = 0;
  private inner: Iterator<unknown> | undefined;
  constructor(
    private readonly src: Iterator<unknown>,
    private readonly expand: (x: unknown) => Iterable<unknown>,
  ) {}
  next(): IteratorResult<unknown> {
    for (;;) {
      if (this.arr !== undefined) {
        if (this.i < this.arr.length) return { done: false, value: this.arr[this.i++] };
        this.arr = undefined;
      } else if (this.inner !== undefined) {
        const r = this.inner.next();
        if (!r.done) return r;
        this.inner = undefined;
      }
      const s = this.src.next();
      if (s.done) return s;
      const out = this.expand(s.value);
      if (Array.isArray(out)) {
        this.arr = out;
        this.i = 0;
      } else if (out != null && typeof (out as Iterable<unknown>)[Symbol.iterator] === 'function') {
        this.inner = (out as Iterable<unknown>)[Symbol.iterator]();
      } else {
        throw new TypeError(`flatMap function must return an iterable (e.g. an array), got ${typeof out}`);
      }
    }
  }
  return(value?: unknown): IteratorResult<unknown> {
    this.src.return?.();
    return { done: true, value };
  }
  [Symbol.iterator](): IterableIterator<unknown> {
    return this;
  }
}

function asIterable(it: Iterator<unknown>): IterableIterator<unknown> {
  if (typeof (it as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function') return it as IterableIterator<unknown>;
  return { next: () => it.next(), [Symbol.iterator]() { return this; } } as IterableIterator<unknown>;
}

function iteratorOf(out: unknown, op: string): Iterator<unknown> {
  if (out != null && typeof (out as Iterable<unknown>)[Symbol.iterator] === 'function') {
    return (out as Iterable<unknown>)[Symbol.iterator]();
  }
  throw new TypeError(`${op} function must return an iterable (e.g. an array or a generator), got ${typeof out}`);
}

function samplerStep(args: NonNullable<MapPartitionsArgs['sample']>, partition: number): (x: unknown) => unknown {
  const rand = seededRandom(args.seed + partition * 0x9e3779b1);
  if (!args.withReplacement) return (x) => (rand() < args.fraction ? x : SKIP);
  // Poisson(fraction) copies of each element, as Spark's PoissonSampler.
  return (x) => {
    const limit = Math.exp(-args.fraction);
    let k = 0;
    let p = rand();
    while (p > limit) {
      k++;
      p *= rand();
    }
    return k === 0 ? SKIP : { __copies: k, x };
  };
}

function computeMapPartitions(args: MapPartitionsArgs, [parent]: PartitionCompute[], env: ComputeEnv): PartitionCompute {
  const compiled = args.fn ? env.compile(args.fn) : undefined;
  const f = compiled?.fn as Fn;
  const e = compiled?.env;
  switch (args.op) {
    case 'map':
      return (p, tc) => new StepIterator(parent!(p, tc), (x) => f(x, e));
    case 'filter':
      return (p, tc) => new StepIterator(parent!(p, tc), (x) => (f(x, e) ? x : SKIP));
    case 'flatMap':
      return (p, tc) => new FlatIterator(parent!(p, tc), (x) => f(x, e));
    case 'keyBy':
      return (p, tc) => new StepIterator(parent!(p, tc), (x) => [f(x, e), x]);
    case 'mapValues':
      return (p, tc) => new StepIterator(parent!(p, tc), (kv) => [(kv as unknown[])[0], f((kv as unknown[])[1], e)]);
    case 'flatMapValues':
      return (p, tc) =>
        new FlatIterator(parent!(p, tc), (kv) => {
          const [k, v] = kv as [unknown, unknown];
          const out: unknown[] = [];
          for (const u of f(v, e) as Iterable<unknown>) out.push([k, u]);
          return out;
        });
    case 'keys':
      return (p, tc) => new StepIterator(parent!(p, tc), (kv) => (kv as unknown[])[0]);
    case 'values':
      return (p, tc) => new StepIterator(parent!(p, tc), (kv) => (kv as unknown[])[1]);
    case 'mapPartitions':
      return (p, tc) => iteratorOf(f(asIterable(parent!(p, tc)), e), 'mapPartitions');
    case 'mapPartitionsWithIndex':
      return (p, tc) => iteratorOf(f(p, asIterable(parent!(p, tc)), e), 'mapPartitionsWithIndex');
    case 'sample':
      return (p, tc) =>
        new FlatIterator(parent!(p, tc), (() => {
          const step = samplerStep(args.sample!, p);
          return (x: unknown) => {
            const s = step(x);
            if (s === SKIP) return [];
            if (args.sample!.withReplacement) {
              const { __copies, x: v } = s as { __copies: number; x: unknown };
              return new Array(__copies).fill(v);
            }
            return [s];
          };
        })());
  }
}

registerCompute('map-partitions', computeMapPartitions);
