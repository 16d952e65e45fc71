import { BinaryHeap } from './binary-heap.js';

/**
 * K-way merge of sorted iterators. Ties go to the earlier source, so merging runs written in
 * input order keeps a stable sort stable. Every source is closed (return()) when the merge
 * ends, fails or is abandoned, which is what releases run files' descriptors.
 */
export function* mergeSorted<T>(sources: Iterator<T>[], compare: (a: T, b: T) => number): Generator<T, void, undefined> {
  const heap = new BinaryHeap<{ value: T; source: number }>(
    (a, b) => compare(a.value, b.value) || a.source - b.source,
  );
  try {
    for (let i = 0; i < sources.length; i++) {
      const r = sources[i].next();
      if (!r.done) heap.push({ value: r.value, source: i });
    }
    while (heap.size > 0) {
      const top = heap.peek()!;
      const value = top.value;
      const r = sources[top.source].next();
      if (r.done) heap.pop();
      else {
        top.value = r.value;
        heap.updateTop();
      }
      yield value;
    }
  } finally {
    for (const s of sources) {
      try {
        s.return?.();
      } catch {
        // closing one source must not keep the others open
      }
    }
  }
}
