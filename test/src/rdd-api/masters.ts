/** Every RDD API suite runs on both local modes: threads in-process, and executor processes. */
export const MASTERS = ['local[2]', 'local-cluster[2,1,512]'] as const;

/** Multiset equality independent of order, for records that JSON can print. */
export function asMultiset(xs: readonly unknown[]): string[] {
  return xs.map((x) => JSON.stringify(x)).sort();
}
