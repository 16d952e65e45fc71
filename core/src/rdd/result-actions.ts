import { IllegalStateError } from '../errors.js';
import { compareKeys } from '../partitioner/key-ordering.js';
import { reservoirSample } from '../partitioner/reservoir-sample.js';
import type { ComputeEnv } from './compute-registry.js';
import { commitTaskOutput, partFileName } from './output-commit.js';
import { writeObjects, writeTextLines } from './output-formats.js';
import type { ResultSpec } from './result-spec.js';
import type { TaskContext } from './task-context.js';

/** The executor side of an action: turns one partition's records into the task's result. */
export type ResultFunction = (it: Iterator<unknown> & Iterable<unknown>, tc: TaskContext) => unknown;

type Compiled = Record<string, { fn: (...a: any[]) => any; env: unknown }>;
type ActionFactory = (args: Record<string, any>, fns: Compiled) => ResultFunction;

const ACTIONS: Record<string, ActionFactory> = {
  collect: () => (it) => Array.from(it),
  count: () => (it) => {
    let n = 0;
    for (let r = it.next(); !r.done; r = it.next()) n++;
    return n;
  },
  take: (args) => (it) => {
    const out: unknown[] = [];
    if (args.n <= 0) return out;
    for (const x of it) {
      out.push(x);
      if (out.length >= args.n) break;
    }
    return out;
  },
  takeOrdered: (args, fns) => (it) => {
    const c = fns.compare;
    const cmp = c ? (a: unknown, b: unknown) => c.fn(a, b, c.env) : compareKeys;
    const ordered = args.reverse ? (a: unknown, b: unknown) => cmp(b, a) : cmp;
    // Keep at most 2n candidates and trim by sorting: O(m log n) amortised.
    let buf: unknown[] = [];
    for (const x of it) {
      buf.push(x);
      if (buf.length >= 2 * args.n) buf = buf.sort(ordered).slice(0, args.n);
    }
    return buf.sort(ordered).slice(0, args.n);
  },
  reduce: (_args, { fn }) => (it) => {
    const f = fn!;
    const r = it.next();
    if (r.done) return { has: false, value: null };
    let acc = r.value;
    for (let x = it.next(); !x.done; x = it.next()) acc = f.fn(acc, x.value, f.env);
    return { has: true, value: acc };
  },
  fold: (args, { fn }) => (it) => {
    const f = fn!;
    let acc = structuredClone(args.zero);
    for (let x = it.next(); !x.done; x = it.next()) acc = f.fn(acc, x.value, f.env);
    return acc;
  },
  aggregate: (args, { seqOp }) => (it) => {
    const f = seqOp!;
    let acc = structuredClone(args.zero);
    for (let x = it.next(); !x.done; x = it.next()) acc = f.fn(acc, x.value, f.env);
    return acc;
  },
  foreach: (_args, { fn }) => (it) => {
    const f = fn!;
    for (let x = it.next(); !x.done; x = it.next()) f.fn(x.value, f.env);
    return null;
  },
  foreachPartition: (_args, { fn }) => (it) => {
    fn!.fn(it, fn!.env);
    return null;
  },
  sketch: (args) => (it, tc) => {
    const keys = { [Symbol.iterator]: () => ({ next: () => { const r = it.next(); return r.done ? r : { done: false, value: (r.value as unknown[])[0] }; } }) };
    return reservoirSample(keys as Iterable<unknown>, args.sampleSize, args.seed * 31 + tc.partitionId);
  },
  saveAsTextFile: (args) => (it, tc) => {
    const gzip = args.codec === 'gzip';
    commitTaskOutput(args.dir, tc, partFileName(tc.partitionId, gzip ? '.gz' : ''), (fd) => writeTextLines(fd, it, gzip));
    return null;
  },
  saveAsObjectFile: (args) => (it, tc) => {
    commitTaskOutput(args.dir, tc, partFileName(tc.partitionId), (fd) => writeObjects(fd, it));
    return null;
  },
};

/** Text form of a record, as Spark's toString: tuples print as (a,b). */
export function formatLine(x: unknown): string {
  if (Array.isArray(x)) return `(${x.map(formatLine).join(',')})`;
  if (x === null) return 'null';
  if (typeof x === 'object') return JSON.stringify(x);
  return String(x);
}

export function resultFunction(spec: ResultSpec, env: ComputeEnv): ResultFunction {
  const factory = ACTIONS[spec.action];
  if (!factory) throw new IllegalStateError(`Unknown action '${spec.action}' in a task; driver and executor versions differ`);
  const fns: Compiled = {};
  for (const [k, f] of Object.entries(spec.fns ?? {})) fns[k] = env.compile(f);
  return factory(spec.args ?? {}, fns);
}
