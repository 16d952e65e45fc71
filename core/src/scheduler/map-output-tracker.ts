import type { MapStatus } from './task-result.js';

/** Where a map output lives, as a reduce task needs it to fetch its blocks. */
export interface MapOutputLocation {
  mapIndex: number;
  mapId: number;
  executorId: string;
  host: string;
  /** Bytes of this reduce partition in that map output (0: nothing to fetch). */
  size: number;
}

/** Reduce locality: a host must hold at least this share of a reduce partition's input. */
const REDUCER_PREF_LOCS_FRACTION = 0.2;
/** Spark skips reduce locality for very wide shuffles, where computing it costs too much. */
const SHUFFLE_PREF_MAP_THRESHOLD = 1000;
const SHUFFLE_PREF_REDUCE_THRESHOLD = 1000;

/**
 * Driver-side registry of every shuffle's map outputs (Spark's MapOutputTrackerMaster).
 * The epoch increases whenever outputs are lost, so late results from before a loss can be told apart.
 */
export class MapOutputTracker {
  private readonly shuffles = new Map<number, Array<MapStatus | undefined>>();
  private epochValue = 0;

  get epoch(): number {
    return this.epochValue;
  }

  incrementEpoch(): void {
    this.epochValue++;
  }

  registerShuffle(shuffleId: number, numMaps: number): void {
    if (!this.shuffles.has(shuffleId)) this.shuffles.set(shuffleId, new Array(numMaps).fill(undefined));
  }

  containsShuffle(shuffleId: number): boolean {
    return this.shuffles.has(shuffleId);
  }

  unregisterShuffle(shuffleId: number): void {
    this.shuffles.delete(shuffleId);
  }

  registerMapOutput(status: MapStatus): void {
    const outputs = this.shuffles.get(status.shuffleId);
    if (outputs) outputs[status.mapIndex] = status;
  }

  /** Forget one output, but only if it still is the one on `executorId` (a newer one may have replaced it). */
  unregisterMapOutput(shuffleId: number, mapIndex: number, executorId: string): void {
    const outputs = this.shuffles.get(shuffleId);
    if (outputs?.[mapIndex]?.executorId === executorId) {
      outputs[mapIndex] = undefined;
      this.incrementEpoch();
    }
  }

  /** Forget every output on an executor (or, with `host`, on every executor of that host). */
  removeOutputsOn(filter: { executorId?: string; host?: string }): number {
    let removed = 0;
    for (const outputs of this.shuffles.values()) {
      for (let i = 0; i < outputs.length; i++) {
        const s = outputs[i];
        if (s && (s.executorId === filter.executorId || s.host === filter.host)) {
          outputs[i] = undefined;
          removed++;
        }
      }
    }
    // Always a new epoch, so tasks created after the loss are told apart from those before it.
    this.incrementEpoch();
    return removed;
  }

  numAvailableOutputs(shuffleId: number): number {
    let n = 0;
    for (const s of this.shuffles.get(shuffleId) ?? []) if (s) n++;
    return n;
  }

  missingPartitions(shuffleId: number): number[] {
    const outputs = this.shuffles.get(shuffleId) ?? [];
    const missing: number[] = [];
    outputs.forEach((s, i) => {
      if (!s) missing.push(i);
    });
    return missing;
  }

  /** Statuses of every map task, undefined where an output is missing. */
  statuses(shuffleId: number): ReadonlyArray<MapStatus | undefined> {
    return this.shuffles.get(shuffleId) ?? [];
  }

  /** Hosts holding at least 20% of a reduce partition's map output bytes (Spark's reduce locality). */
  preferredHostsForReduce(shuffleId: number, reduceId: number, numReduces: number): string[] {
    const outputs = this.shuffles.get(shuffleId);
    if (!outputs || outputs.length >= SHUFFLE_PREF_MAP_THRESHOLD || numReduces >= SHUFFLE_PREF_REDUCE_THRESHOLD) return [];
    const byHost = new Map<string, number>();
    let total = 0;
    for (const s of outputs) {
      if (!s) continue;
      const size = s.partitionLengths[reduceId] ?? 0;
      total += size;
      byHost.set(s.host, (byHost.get(s.host) ?? 0) + size);
    }
    if (total === 0) return [];
    return [...byHost.entries()].filter(([, b]) => b / total >= REDUCER_PREF_LOCS_FRACTION).map(([h]) => h);
  }
}
