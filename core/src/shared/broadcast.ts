import { TRANSPORT, type TransportMarker } from '../closure/transport-marker.js';
import { IllegalStateError } from '../errors.js';

/**
 * A read-only value sent once per executor instead of once per task. Pass it in a function's
 * environment and read `.value` there: `rdd.map((x, env) => env.table.value[x], { table })`.
 */
export class Broadcast<T> {
  private destroyed = false;

  constructor(
    readonly id: number,
    private readonly driverValue: T,
    private readonly onDestroy: (id: number) => Promise<void>,
  ) {}

  get value(): T {
    if (this.destroyed) throw new IllegalStateError(`Attempted to use Broadcast(${this.id}) after it was destroyed`);
    return this.driverValue;
  }

  /** Drops the value on every executor; the broadcast cannot be used afterwards. */
  async destroy(): Promise<void> {
    this.destroyed = true;
    await this.onDestroy(this.id);
  }

  [TRANSPORT](): TransportMarker {
    if (this.destroyed) throw new IllegalStateError(`Attempted to use Broadcast(${this.id}) after it was destroyed`);
    return { $kindling: 'broadcast', id: this.id };
  }

  toString(): string {
    return `Broadcast(${this.id})`;
  }
}
