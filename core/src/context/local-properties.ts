import { AsyncLocalStorage } from 'node:async_hooks';
import { IllegalArgumentError } from '../errors.js';

export type PropertyMap = Readonly<Record<string, string>>;

const EMPTY: PropertyMap = Object.freeze({});

/**
 * Spark's local properties (an InheritableThreadLocal) for a single-threaded runtime: the values
 * follow the async context (AsyncLocalStorage), so concurrent jobs started from different async
 * flows can sit in different pools and job groups. A change is copy-on-write: it affects the
 * current flow and whatever it starts afterwards, never a flow that already forked off.
 */
export class LocalProperties {
  private readonly storage = new AsyncLocalStorage<PropertyMap>();

  get(key: string): string | undefined {
    return this.snapshot()[key];
  }

  /** The properties of the current async context (frozen; a job keeps the ones it started with). */
  snapshot(): PropertyMap {
    return this.storage.getStore() ?? EMPTY;
  }

  /** Set (or, with null/undefined, remove) a property for the rest of the current async flow. */
  set(key: string, value: string | null | undefined): void {
    this.setAll({ [key]: value });
  }

  setAll(values: Readonly<Record<string, string | null | undefined>>): void {
    const next: Record<string, string> = { ...this.snapshot() };
    for (const [key, value] of Object.entries(values)) {
      checkKey(key);
      if (value === null || value === undefined) delete next[key];
      else if (typeof value !== 'string') throw new IllegalArgumentError(`Local property ${key} must be a string, got ${typeof value}`);
      else next[key] = value;
    }
    // enterWith, not run: like a thread-local set, the value holds until changed in this flow.
    this.storage.enterWith(Object.freeze(next));
  }

  /** Runs `body` with these properties added; the caller's properties are untouched afterwards. */
  run<T>(values: Readonly<Record<string, string>>, body: () => T): T {
    const next: Record<string, string> = { ...this.snapshot() };
    for (const [key, value] of Object.entries(values)) {
      checkKey(key);
      if (typeof value !== 'string') throw new IllegalArgumentError(`Local property ${key} must be a string, got ${typeof value}`);
      next[key] = value;
    }
    return this.storage.run(Object.freeze(next), body);
  }
}

function checkKey(key: string): void {
  if (typeof key !== 'string' || key === '') throw new IllegalArgumentError('A local property needs a non-empty string key');
}
