/**
 * Reduce side of a shuffle: turns fetched blocks (sequences of record frames) into the
 * partition's records, aggregated and/or sorted by key within a memory budget.
 *
 * Everything is lazy: no work happens and no file is created before the first next().
 * Spill files are deleted when iteration finishes, throws, or the consumer stops early via
 * return() (for-of does this on break). A consumer that neither finishes nor calls return()
 * leaves its spill files until the caller removes the task's spill directory.
 */
import { IllegalArgumentError, ProtocolError } from '../errors.js';
import type { Aggregator } from './aggregator.js';
import { ExternalSorter } from './external-sorter.js';
import type { KeyMapLike } from './key-map-like.js';
import type { SpillListener } from './spill-event.js';
import { SpillingAggregator } from './spilling-aggregator.js';

type Pair = [unknown, unknown];

/** A sequence of frames (record batches), e.g. from fileSegmentFrames or readFrames. */
export type ShuffleBlockSource = Iterable<unknown[]>;

export interface ShuffleReadOptions {
  aggregator?: Aggregator;
  /** Incoming values are combiners (the map side combined). */
  mapSideCombined: boolean;
  /** Sort output by key when set. */
  keyOrdering?: (a: unknown, b: unknown) => number;
  /** Declares keyOrdering to be compareKeys or its reverse, enabling a faster sort of numeric keys. */
  keyOrder?: 'ascending' | 'descending';
  /** Required with an aggregator. */
  newKeyMap?: () => KeyMapLike<unknown>;
  spillDir: string;
  /** With both aggregation and ordering, each stage gets half. */
  memoryBytes: number;
  /** Metrics / test hook, called after each spill. */
  onSpill?: SpillListener;
}

/** Iterator and iterable; return() releases spill files early. */
export type ShuffleRecordIterator = Generator<Pair, void, undefined>;

export function readShuffle(sources: ShuffleBlockSource[], opts: ShuffleReadOptions): ShuffleRecordIterator {
  const { aggregator, keyOrdering, newKeyMap, memoryBytes } = opts;
  if (aggregator !== undefined && newKeyMap === undefined) {
    throw new IllegalArgumentError('readShuffle with an aggregator requires newKeyMap');
  }
  if (typeof memoryBytes !== 'number' || Number.isNaN(memoryBytes) || memoryBytes < 0) {
    throw new IllegalArgumentError(`memoryBytes must be a non-negative number, got ${String(memoryBytes)}`);
  }
  const budget = aggregator !== undefined && keyOrdering !== undefined ? memoryBytes / 2 : memoryBytes;
  let records = streamRecords(sources);
  if (aggregator !== undefined) {
    records = aggregate(records, {
      aggregator,
      mapSideCombined: opts.mapSideCombined,
      newKeyMap: newKeyMap!,
      spillDir: opts.spillDir,
      memoryBytes: budget,
      onSpill: opts.onSpill,
    });
  }
  if (keyOrdering !== undefined) {
    const sorter = new ExternalSorter({
      compare: keyOrdering,
      keyOrder: opts.keyOrder,
      spillDir: opts.spillDir,
      memoryBytes: budget,
      onSpill: opts.onSpill,
    });
    records = sort(records, sorter);
  }
  return records;
}

/** Records of all sources in order, one batch at a time: nothing is buffered. */
function* streamRecords(sources: ShuffleBlockSource[]): ShuffleRecordIterator {
  for (const source of sources) {
    for (const batch of source) {
      for (const record of batch) {
        if (!Array.isArray(record)) throw new ProtocolError('shuffle record is not a [key, value] pair');
        yield record as Pair;
      }
    }
  }
}

function* aggregate(records: Iterable<Pair>, options: ConstructorParameters<typeof SpillingAggregator>[0]): ShuffleRecordIterator {
  const aggregator = new SpillingAggregator(options);
  try {
    for (const [key, value] of records) aggregator.insert(key, value);
    yield* aggregator.drain();
  } finally {
    aggregator.dispose();
  }
}

function* sort(records: Iterable<Pair>, sorter: ExternalSorter): ShuffleRecordIterator {
  try {
    for (const record of records) sorter.insert(record);
    yield* sorter.drain();
  } finally {
    sorter.dispose();
  }
}
