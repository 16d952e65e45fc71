import { TRANSPORT, type TransportMarker } from '../closure/transport-marker.js';
import type { FunctionSpec } from '../closure/function-spec.js';

/**
 * A value that tasks add to and only the driver reads. Updates from a task are merged once per
 * successful partition, so retried and speculative attempts do not count twice.
 * `merge` must be associative; the default adds numbers, bigints or strings.
 */
export class Accumulator<T> {
  constructor(
    readonly id: number,
    private current: T,
    private readonly mergeFn: (a: T, b: T) => T,
    private readonly mergeSpec: FunctionSpec,
  ) {}

  get value(): T {
    return this.current;
  }

  /** Adds on the driver (inside tasks the environment holds a task-local accumulator instead). */
  add(v: T): void {
    this.current = this.mergeFn(this.current, v);
  }

  /** Merges a task's partial value; called by the scheduler. */
  mergePartial(partial: T): void {
    this.current = this.mergeFn(this.current, partial);
  }

  [TRANSPORT](): TransportMarker {
    return { $kindling: 'accumulator', id: this.id, merge: this.mergeSpec };
  }

  toString(): string {
    return `Accumulator(${this.id}: ${String(this.current)})`;
  }
}

/** The executor side: collects a task's additions into one partial value. */
export class TaskAccumulator<T> {
  private partial: T | undefined;
  private touched = false;

  constructor(
    readonly id: number,
    private readonly merge: (a: T, b: T) => T,
  ) {}

  add(v: T): void {
    this.partial = this.touched ? this.merge(this.partial as T, v) : v;
    this.touched = true;
  }

  get value(): T | undefined {
    return this.partial;
  }

  get hasUpdate(): boolean {
    return this.touched;
  }
}
