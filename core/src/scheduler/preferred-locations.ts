import type { RDD } from '../rdd/rdd.js';
import type { BlockManagerMaster } from './block-manager-master.js';
import type { TaskLocation } from './task-location.js';

/**
 * Spark's getPreferredLocs: cached blocks of this partition first, then the RDD's own
 * preferences (input splits, reduce locality), then the first narrow parent that has any.
 * Shuffle dependencies are never followed. The visited set avoids exponential walks.
 */
export function preferredLocations(rdd: RDD<unknown>, partition: number, blocks: BlockManagerMaster): TaskLocation[] {
  const visited = new Set<string>();
  const walk = (r: RDD<unknown>, p: number): TaskLocation[] => {
    const key = `${r.id}:${p}`;
    if (visited.has(key)) return [];
    visited.add(key);
    if (r.storageLevel.name !== 'NONE') {
      const cached = blocks.locations(r.id, p);
      if (cached.length > 0) return cached;
    }
    const hosts = r.preferredLocations(p);
    if (hosts.length > 0) return hosts.map((host) => ({ host }));
    for (const dep of r.dependencies) {
      if (dep.type !== 'narrow') continue;
      for (const pp of dep.getParents(p)) {
        const locs = walk(dep.rdd, pp);
        if (locs.length > 0) return locs;
      }
    }
    return [];
  };
  return walk(rdd, partition);
}
