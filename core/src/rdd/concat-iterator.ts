/** Iterates `open(0)`, `open(1)`, ... `open(count - 1)` one after another, opening each lazily. */
export function concatIterators(count: number, open: (i: number) => Iterator<unknown>): IterableIterator<unknown> {
  let i = 0;
  let cur: Iterator<unknown> | undefined;
  return {
    next(): IteratorResult<unknown> {
      for (;;) {
        if (!cur) {
          if (i >= count) return { done: true, value: undefined };
          cur = open(i++);
        }
        const r = cur.next();
        if (!r.done) return r;
        cur = undefined;
      }
    },
    return(value?: unknown): IteratorResult<unknown> {
      cur?.return?.();
      i = count;
      return { done: true, value };
    },
    [Symbol.iterator]() {
      return this;
    },
  };
}
