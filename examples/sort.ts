/**
 * Sort benchmark-style job: generates records with pseudo-random keys, sorts them with
 * sortByKey (a range-partitioned shuffle) and checks the result is globally sorted.
 *
 *   kindling-submit examples/sort.ts [numRecords=1000000] [partitions=4]
 */
import { KindlingContext, type Pair } from '@kindling/core';

const [recordsArg = '1000000', partitionsArg = '4'] = process.argv.slice(2);
const numRecords = Number(recordsArg);
const partitions = Number(partitionsArg);
if (!Number.isInteger(numRecords) || numRecords < 0 || !Number.isInteger(partitions) || partitions < 1) {
  console.error(`Usage: kindling-submit examples/sort.ts [numRecords=1000000] [partitions=4] (got '${recordsArg}' '${partitionsArg}')`);
  process.exit(2);
}

/** What each sorted partition reports about itself. */
interface PartitionSummary {
  index: number;
  count: number;
  first: number | undefined;
  last: number | undefined;
  ordered: boolean;
}

const kc = await KindlingContext.create();
try {
  const records = kc.range(0, numRecords, 1, partitions).map((i): Pair<number, string> => {
    // A 32-bit integer hash of the index (murmur3's finalizer): random-looking yet reproducible.
    let h = Math.imul(i ^ (i >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h ^= h >>> 16;
    return [h >>> 0, `record-${i}`];
  });
  const sorted = records.sortByKey(true, partitions);

  const summaries = await sorted
    .mapPartitionsWithIndex((index, it): PartitionSummary[] => {
      const s: PartitionSummary = { index, count: 0, first: undefined, last: undefined, ordered: true };
      for (const [key] of it) {
        if (s.last !== undefined && key < s.last) s.ordered = false;
        if (s.count === 0) s.first = key;
        s.last = key;
        s.count++;
      }
      return [s];
    })
    .collect();

  // Globally sorted: each partition is ordered and starts at or after the previous one's end.
  let previousLast: number | undefined;
  for (const s of summaries) {
    if (!s.ordered) throw new Error(`Partition ${s.index} is not sorted`);
    if (s.first !== undefined && previousLast !== undefined && s.first < previousLast) {
      throw new Error(`Partition ${s.index} starts at ${s.first}, before the previous partition's last key ${previousLast}`);
    }
    if (s.last !== undefined) previousLast = s.last;
  }
  const count = summaries.reduce((n, s) => n + s.count, 0);
  if (count !== numRecords) throw new Error(`Sorted ${count} records, expected ${numRecords}`);

  console.log(`Sorted ${count} records in ${summaries.length} partitions: globally sorted`);
  console.log(`Partition sizes: ${summaries.map((s) => s.count).join(' ')}`);
  const first = await sorted.take(5);
  console.log(`First keys: ${first.map(([key]) => key).join(' ')}`);
} finally {
  await kc.stop();
}
