import { AsyncLocalStorage } from 'node:async_hooks';
import { IllegalArgumentError, JobCancelledError } from '../errors.js';
import { describeAbortReason } from '../scheduler/job-options.js';

/** The optional last argument of every action: `rdd.count({ signal })`. */
export interface ActionOptions {
  /** Aborting it cancels the action's jobs: before it starts, the action rejects without running one. */
  signal?: AbortSignal;
}

const storage = new AsyncLocalStorage<ActionOptions>();

/**
 * Runs an action with its options in scope, so every job it starts (take's rounds, sortByKey's
 * sampling, countByKey's shuffle) sees the same signal without threading it through each call.
 */
export function withActionOptions<T>(options: ActionOptions | undefined, action: () => Promise<T>): Promise<T> {
  if (options === undefined || options === null) return action();
  if (typeof options !== 'object') {
    return Promise.reject(new IllegalArgumentError(`Action options must be an object like { signal }, got ${typeof options}`));
  }
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    return Promise.reject(new IllegalArgumentError('Action option signal must be an AbortSignal (e.g. new AbortController().signal)'));
  }
  if (signal?.aborted) return Promise.reject(abortedBeforeStart(signal));
  // An outer action's signal still applies to an inner one (e.g. countByKey runs collect()).
  const outer = storage.getStore()?.signal;
  const combined = signal && outer ? AbortSignal.any([outer, signal]) : (signal ?? outer);
  return storage.run({ signal: combined }, action);
}

/**
 * toLocalIterator's form: the generator's body runs inside each next(), so every next() runs
 * with the options in scope, and each partition's job sees the signal.
 */
export async function* withIteratorOptions<T>(options: ActionOptions | undefined, inner: AsyncGenerator<T, void, undefined>): AsyncGenerator<T, void, undefined> {
  if (options === undefined) {
    yield* inner;
    return;
  }
  try {
    for (;;) {
      const next = await withActionOptions(options, () => inner.next());
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await inner.return(undefined);
  }
}

/** The signal of the action running in this async context, if any. */
export function currentActionSignal(): AbortSignal | undefined {
  return storage.getStore()?.signal;
}

export function abortedBeforeStart(signal: AbortSignal): JobCancelledError {
  return new JobCancelledError(`Action cancelled before it started by its AbortSignal: ${describeAbortReason(signal)}`, {
    cancelledBy: 'signal',
    cause: signal.reason,
  });
}
