import { IllegalStateError } from '../errors.js';
import type { TaskContext } from './task-context.js';

/** Computes one partition of one RDD inside a task. */
export type PartitionCompute = (partition: number, tc: TaskContext) => Iterator<unknown>;

/** Resolves the compiled user functions of a plan node. */
export interface ComputeEnv {
  /** Compile a FunctionSpec for calling as `fn(...args, env)`. */
  compile(spec: unknown): { fn: (...args: any[]) => any; env: unknown };
}

export type ComputeFactory = (args: any, parents: PartitionCompute[], env: ComputeEnv) => PartitionCompute;

const factories = new Map<string, ComputeFactory>();

/** Each RDD kind registers how executors compute it (Beam's registerOperator idea). */
export function registerCompute(kind: string, factory: ComputeFactory): void {
  if (factories.has(kind)) throw new IllegalStateError(`Compute kind '${kind}' is registered twice`);
  factories.set(kind, factory);
}

export function computeFactory(kind: string): ComputeFactory {
  const f = factories.get(kind);
  if (!f) {
    throw new IllegalStateError(
      `Unknown RDD kind '${kind}' in a task; the executor's @kindling/core is older than the driver's`,
    );
  }
  return f;
}
