/**
 * One error hierarchy for all of Kindling. Each class carries a stable `name` and a
 * `Symbol.for` brand so `KindlingError.is(e)` works across realms (worker threads,
 * duplicated package copies), as Temporal's SDK does.
 */
const BRAND = Symbol.for('kindling.error');
const KIND = Symbol.for('kindling.error.kind');

export class KindlingError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    Object.defineProperty(this, 'name', { value: new.target.name, enumerable: false, configurable: true });
    Object.defineProperty(this, BRAND, { value: true });
    Object.defineProperty(this, KIND, { value: new.target.name });
  }

  /** True for any Kindling error, even one created by another copy of this package. */
  static is(error: unknown): error is KindlingError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
  }

  /** True when `error` is a Kindling error of exactly this class name. */
  static isKind(error: unknown, name: string): boolean {
    return KindlingError.is(error) && (error as unknown as Record<symbol, unknown>)[KIND] === name;
  }
}

/** Invalid or inconsistent `kindling.*` configuration. */
export class ConfigError extends KindlingError {}

/** A master URL no cluster manager accepts, or one that is malformed. */
export class MasterUrlError extends KindlingError {}

/** A cluster manager (adapter) failed: cannot be created, cannot reach its cluster, etc. */
export class ClusterManagerError extends KindlingError {}

/** A user function captures something that cannot travel to an executor. */
export class ClosureCaptureError extends KindlingError {
  constructor(
    message: string,
    readonly captures: ReadonlyArray<{ name: string; kind: string }> = [],
  ) {
    super(message);
  }
}

/** A value (environment, record, result) cannot be encoded for transport. */
export class SerializationError extends KindlingError {}

/** A job was aborted; message starts with "Job aborted due to stage failure: ". */
export class JobFailedError extends KindlingError {}

/** A job was cancelled, e.g. because the context stopped. */
export class JobCancelledError extends KindlingError {}

/**
 * A task's own failure, rebuilt on the driver from what the executor sent:
 * the original class name, message and stack.
 */
export class TaskFailedError extends KindlingError {
  constructor(
    message: string,
    readonly remoteName: string,
    readonly remoteStack: string,
  ) {
    super(message);
  }
}

/** A reducer could not fetch a map output block; the scheduler re-runs the map stage. */
export class FetchFailedError extends KindlingError {
  constructor(
    message: string,
    readonly shuffleId: number,
    readonly mapIndex: number,
    readonly reduceId: number,
    readonly executorId: string,
  ) {
    super(message);
  }
}

/** Bad input to the block layer: unknown or unsafe block ids, corrupt frames. */
export class BlockError extends KindlingError {}

/** A malformed frame or message on a transport or in a file. */
export class ProtocolError extends KindlingError {}

/** The context was used after stop(), or an operation is not valid in its state. */
export class IllegalStateError extends KindlingError {}

/** A user argument is invalid (negative partition counts, bad sample fractions, ...). */
export class IllegalArgumentError extends KindlingError {}

/** What crosses a process or thread boundary when a task fails. */
export interface SerializedError {
  name: string;
  message: string;
  stack: string;
  /** Present for FetchFailedError so the driver can rebuild it. */
  fetchFailed?: { shuffleId: number; mapIndex: number; reduceId: number; executorId: string };
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof FetchFailedError || KindlingError.isKind(error, 'FetchFailedError')) {
    const f = error as FetchFailedError;
    return {
      name: f.name,
      message: f.message,
      stack: f.stack ?? '',
      fetchFailed: { shuffleId: f.shuffleId, mapIndex: f.mapIndex, reduceId: f.reduceId, executorId: f.executorId },
    };
  }
  if (error instanceof Error) {
    return { name: error.name, message: error.message, stack: error.stack ?? `${error.name}: ${error.message}` };
  }
  const text = typeof error === 'string' ? error : safeToString(error);
  return { name: 'Error', message: text, stack: `Error: ${text}` };
}

export function deserializeError(e: SerializedError): Error {
  if (e.fetchFailed) {
    const f = e.fetchFailed;
    const err = new FetchFailedError(e.message, f.shuffleId, f.mapIndex, f.reduceId, f.executorId);
    err.stack = e.stack;
    return err;
  }
  const err = new TaskFailedError(e.message, e.name, e.stack);
  err.stack = e.stack;
  return err;
}

function safeToString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** An application package that cannot be built, fetched or unpacked (bad archive, traversal attempt, hash mismatch). */
export class AppPackageError extends KindlingError {}
