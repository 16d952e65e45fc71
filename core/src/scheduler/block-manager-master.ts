import type { BlockUpdate } from './task-result.js';
import type { TaskLocation } from './task-location.js';

/**
 * Driver-side view of cached RDD blocks: which executors hold `rdd_<id>_<partition>`.
 * Updated from the block updates that tasks report, and on executor loss.
 */
export class BlockManagerMaster {
  /** rddId -> partition -> executorId -> host */
  private readonly rddBlocks = new Map<number, Map<number, Map<string, string>>>();

  update(executorId: string, host: string, update: BlockUpdate): void {
    const m = /^rdd_(\d+)_(\d+)$/.exec(update.blockId);
    if (!m) return;
    const rddId = Number(m[1]);
    const partition = Number(m[2]);
    let parts = this.rddBlocks.get(rddId);
    if (!parts) this.rddBlocks.set(rddId, (parts = new Map()));
    let holders = parts.get(partition);
    if (!holders) parts.set(partition, (holders = new Map()));
    if (update.memSize + update.diskSize > 0) holders.set(executorId, host);
    else holders.delete(executorId);
  }

  /** Executor-level locations of a cached partition (PROCESS_LOCAL targets). */
  locations(rddId: number, partition: number): TaskLocation[] {
    const holders = this.rddBlocks.get(rddId)?.get(partition);
    if (!holders) return [];
    return [...holders.entries()].map(([executorId, host]) => ({ host, executorId }));
  }

  /** partition -> holders, for the partitions that are cached somewhere. */
  rddLocations(rddId: number): Record<number, Array<{ executorId: string; host: string }>> {
    const out: Record<number, Array<{ executorId: string; host: string }>> = {};
    for (const [p, holders] of this.rddBlocks.get(rddId) ?? []) {
      if (holders.size > 0) out[p] = [...holders.entries()].map(([executorId, host]) => ({ executorId, host }));
    }
    return out;
  }

  isFullyCached(rddId: number, numPartitions: number): boolean {
    const parts = this.rddBlocks.get(rddId);
    if (!parts || numPartitions === 0) return false;
    for (let p = 0; p < numPartitions; p++) if (!parts.get(p)?.size) return false;
    return true;
  }

  /** Executors holding at least one cached block (dynamic allocation keeps them longer). */
  executorsWithCachedBlocks(): Set<string> {
    const out = new Set<string>();
    for (const parts of this.rddBlocks.values()) for (const holders of parts.values()) for (const id of holders.keys()) out.add(id);
    return out;
  }

  removeExecutor(executorId: string): void {
    for (const parts of this.rddBlocks.values()) for (const holders of parts.values()) holders.delete(executorId);
  }

  removeRdd(rddId: number): void {
    this.rddBlocks.delete(rddId);
  }
}
