/**
 * Wraps `fn` so that any number of calls within one turn of the event loop run it once, soon,
 * and never re-entrantly from the caller (SchedulerBackend.reviveOffers' contract).
 */
export function coalescedMicrotask(fn: () => void): () => void {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    queueMicrotask(() => {
      pending = false;
      fn();
    });
  };
}
