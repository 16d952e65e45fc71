import { registerCompute, type PartitionCompute } from './compute-registry.js';
import { rangeDependency } from './dependency.js';
import type { RddDefinition } from './rdd-definition.js';
import type { RDD } from './rdd.js';
import { concatIterators } from './concat-iterator.js';

/** Partitions of each parent in turn; a narrow dependency per parent. */
export function unionDefinition(parents: RDD<unknown>[]): RddDefinition {
  const map: Array<[number, number]> = [];
  let out = 0;
  const dependencies = parents.map((rdd, i) => {
    const n = rdd.getNumPartitions();
    for (let p = 0; p < n; p++) map.push([i, p]);
    const dep = rangeDependency(rdd, 0, out, n);
    out += n;
    return dep;
  });
  const partitioner = parents.every((r) => r.partitioner && r.partitioner.equals(parents[0]!.partitioner))
    ? parents[0]!.partitioner
    : undefined;
  // Spark's PartitionerAwareUnionRDD keeps the partitioning when all parents share it.
  if (partitioner) {
    return {
      kind: 'union-partitioned',
      className: 'PartitionerAwareUnionRDD',
      dependencies: parents.map((rdd) => ({ type: 'narrow' as const, rdd, getParents: (p: number) => [p] })),
      numPartitions: partitioner.numPartitions,
      planArgs: { count: parents.length },
      partitioner,
    };
  }
  return { kind: 'union', className: 'UnionRDD', dependencies, numPartitions: out, planArgs: { map } };
}

registerCompute('union', (args: { map: Array<[number, number]> }, parents: PartitionCompute[]) => (p, tc) => {
  const [i, pp] = args.map[p]!;
  return parents[i]!(pp, tc);
});

registerCompute('union-partitioned', (args: { count: number }, parents: PartitionCompute[]) => (p, tc) =>
  concatIterators(args.count, (i) => parents[i]!(p, tc)),
);
