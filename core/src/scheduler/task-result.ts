/** A cached or stored block reported by a task, so the driver knows where blocks live. */
export interface BlockUpdate {
  blockId: string;
  /** Bytes held in memory / on disk on the executor; both 0 means the block was removed. */
  memSize: number;
  diskSize: number;
}

/** What a map task returns: where its output lives and how large each reduce partition is. */
export interface MapStatus {
  shuffleId: number;
  mapIndex: number;
  /** Unique per task attempt; names the output files. */
  mapId: number;
  executorId: string;
  host: string;
  partitionLengths: number[];
}

/** A successful task's payload, decoded on the driver. */
export interface DirectTaskResult {
  /** Result task: the action's per-partition value; map task: its MapStatus. */
  value: unknown;
  accumulatorUpdates: Array<{ id: number; value: unknown }>;
  blockUpdates: BlockUpdate[];
  durationMs: number;
  /** Size of the serialized value, counted against kindling.driver.maxResultSize. */
  resultBytes?: number;
}
