/** Spark's Aggregator: how values of one key are folded into a combiner, on both sides of a shuffle. */
export interface Aggregator<V = unknown, C = unknown> {
  createCombiner(v: V): C;
  mergeValue(c: C, v: V): C;
  mergeCombiners(a: C, b: C): C;
}
