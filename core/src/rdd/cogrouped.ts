import { KeyMap } from '../partitioner/key-map.js';
import type { Partitioner } from '../partitioner/partitioner.js';
import { readShuffle } from '../shuffle/shuffle-reader.js';
import { registerCompute, type PartitionCompute } from './compute-registry.js';
import { oneToOne, type Dependency } from './dependency.js';
import type { RddDefinition } from './rdd-definition.js';
import type { RDD } from './rdd.js';
import { recordBatches } from './record-batches.js';

type CoGroupInput = { narrow: number } | { shuffleId: number };

/**
 * cogroup of several pair RDDs. An input already partitioned by `partitioner` is read through a
 * one-to-one dependency (no shuffle), as Spark's CoGroupedRDD does.
 */
export function coGroupedDefinition(inputs: RDD<unknown>[], partitioner: Partitioner): RddDefinition {
  const dependencies: Dependency[] = [];
  const plan: CoGroupInput[] = [];
  let narrowCount = 0;
  for (const rdd of inputs) {
    if (rdd.partitioner && rdd.partitioner.equals(partitioner)) {
      dependencies.push(oneToOne(rdd));
      plan.push({ narrow: narrowCount++ });
    } else {
      const shuffleId = rdd.kc.newShuffleId();
      dependencies.push({ type: 'shuffle', rdd, shuffleId, partitioner, mapSideCombine: false });
      plan.push({ shuffleId });
    }
  }
  return {
    kind: 'cogrouped',
    className: 'CoGroupedRDD',
    dependencies,
    numPartitions: partitioner.numPartitions,
    planArgs: { inputs: plan },
    partitioner,
  };
}

registerCompute('cogrouped', (args: { inputs: CoGroupInput[] }, parents: PartitionCompute[]) => {
  const n = args.inputs.length;
  // Values are tagged with their input index and grouped by the spilling shuffle reader.
  const aggregator = {
    createCombiner: (tv: unknown) => {
      const groups: unknown[][] = Array.from({ length: n }, () => []);
      const [i, v] = tv as [number, unknown];
      groups[i]!.push(v);
      return groups;
    },
    mergeValue: (groups: unknown, tv: unknown) => {
      const [i, v] = tv as [number, unknown];
      (groups as unknown[][])[i]!.push(v);
      return groups;
    },
    mergeCombiners: (a: unknown, b: unknown) => {
      const ga = a as unknown[][];
      (b as unknown[][]).forEach((vs, i) => {
        for (const v of vs) ga[i]!.push(v);
      });
      return ga;
    },
  };
  return (p, tc) => {
    const sources = args.inputs.flatMap((input, i) => {
      const tag = (kv: unknown) => [(kv as unknown[])[0], [i, (kv as unknown[])[1]]];
      if ('narrow' in input) return [recordBatches(parents[input.narrow]!(p, tc), tag)];
      return tc.shuffleBlocks(input.shuffleId, p).map((frames) => mapFrames(frames, tag));
    });
    return readShuffle(sources, {
      aggregator,
      mapSideCombined: false,
      newKeyMap: () => new KeyMap<unknown>(),
      spillDir: tc.spillDir,
      memoryBytes: tc.shuffleMemoryBytes,
    }) as Iterator<unknown>;
  };
});

function* mapFrames(frames: Iterable<unknown[]>, f: (r: unknown) => unknown): Generator<unknown[]> {
  for (const frame of frames) yield frame.map(f);
}
