/**
 * Reported each time a shuffle buffer spills to disk. Used for metrics and by tests to
 * check that memory really is bounded (how many records were held when the spill happened).
 */
export interface SpillEvent {
  kind: 'map-output' | 'aggregation' | 'sort-run';
  /** Records (or combiners) that were in memory and were written out. */
  records: number;
  /** The size estimate that triggered the spill. */
  estimatedBytes: number;
}

export type SpillListener = (event: SpillEvent) => void;
