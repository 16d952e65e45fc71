import { registerCompute, type PartitionCompute } from './compute-registry.js';
import type { RddDefinition } from './rdd-definition.js';
import type { RDD } from './rdd.js';
import { concatIterators } from './concat-iterator.js';

/**
 * coalesce without shuffle: each output partition reads a contiguous group of parent
 * partitions, so no data moves between tasks.
 */
export function coalescedDefinition(parent: RDD<unknown>, numPartitions: number): RddDefinition {
  const n = parent.getNumPartitions();
  const target = Math.max(1, Math.min(numPartitions, n));
  const groups: number[][] = [];
  for (let i = 0; i < target; i++) {
    const from = Math.floor((i * n) / target);
    const to = Math.floor(((i + 1) * n) / target);
    groups.push(Array.from({ length: to - from }, (_, k) => from + k));
  }
  return {
    kind: 'coalesced',
    className: 'CoalescedRDD',
    dependencies: [{ type: 'narrow', rdd: parent, getParents: (p) => groups[p] ?? [] }],
    numPartitions: target,
    planArgs: { groups },
    preferredLocations: (p) => [...new Set((groups[p] ?? []).flatMap((pp) => parent.preferredLocations(pp)))],
  };
}

registerCompute('coalesced', (args: { groups: number[][] }, [parent]: PartitionCompute[]) => (p, tc) => {
  const group = args.groups[p]!;
  return concatIterators(group.length, (i) => parent!(group[i]!, tc));
});
