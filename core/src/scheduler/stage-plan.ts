import type { AggregatorSpec } from '../rdd/dependency.js';
import type { RDD } from '../rdd/rdd.js';
import type { ResultSpec } from '../rdd/result-spec.js';
import type { PartitionerSpec } from '../partitioner/partitioner.js';
import type { MapOutputTracker } from './map-output-tracker.js';
import type { ExecutorAddressBook } from '../cluster/executor-address-book.js';
import { ShuffleMapStage, type Stage, ResultStage } from './stage.js';

/** One RDD of the stage's pipeline, as executors rebuild it. */
export interface PlanNode {
  rddId: number;
  kind: string;
  args: unknown;
  /** Indices (into StagePlan.nodes) of the narrow parents, in dependency order. */
  parents: number[];
  /** Storage level name when the RDD is persisted. */
  storage?: string;
  /** "map at app.ts:12", for errors raised on executors. */
  site?: string;
}

/** One map output, as a reducer needs it: which executor holds it and its size per reduce partition. */
export interface PlannedMapOutput {
  mapId: number;
  executorId: string;
  host: string;
  sizes: number[];
  /** Block transfer port of the executor holding it (0: in-process executor). */
  port: number;
  /** That executor's directory, read directly by executors on the same host. */
  localDir: string;
}

/** An executor holding a cached partition, for fetching it instead of recomputing. */
export interface PlannedBlockHolder {
  executorId: string;
  host: string;
  port: number;
}

export type StageOutput =
  | { kind: 'shuffle-map'; shuffleId: number; partitioner: PartitionerSpec; aggregator?: AggregatorSpec; mapSideCombine: boolean }
  | { kind: 'result'; spec: ResultSpec };

/** Everything a task of one stage attempt needs besides its partition number. */
export interface StagePlan {
  stageId: number;
  stageAttemptId: number;
  nodes: PlanNode[];
  /** Map outputs of every shuffle this stage reads; null where an output is missing. */
  shuffleReads: Record<number, Array<PlannedMapOutput | null>>;
  output: StageOutput;
  /** Module specifiers (useModule) that the stage's functions use; executors import them first. */
  modules: string[];
  /** For persisted RDDs of the stage: rddId -> partition -> executors holding it. */
  cachedBlocks: Record<number, Record<number, PlannedBlockHolder[]>>;
}

/** What the plan builder needs to know about executors and cached blocks. */
export interface PlanContext {
  tracker: MapOutputTracker;
  addresses: ExecutorAddressBook;
  cacheLocations(rddId: number, numPartitions: number): Record<number, Array<{ executorId: string; host: string }>>;
}

/** Walks the stage's narrow lineage (stopping at shuffles) and snapshots the map outputs it reads. */
export function buildStagePlan(stage: Stage, attemptId: number, ctx: PlanContext): StagePlan {
  const { tracker, addresses } = ctx;
  const cachedBlocks: StagePlan['cachedBlocks'] = {};
  const nodes: PlanNode[] = [];
  const indexOf = new Map<number, number>();
  const shuffleReads: StagePlan['shuffleReads'] = {};

  const visit = (rdd: RDD<unknown>): number => {
    const known = indexOf.get(rdd.id);
    if (known !== undefined) return known;
    const parents: number[] = [];
    for (const dep of rdd.dependencies) {
      if (dep.type === 'narrow') parents.push(visit(dep.rdd));
      else if (!(dep.shuffleId in shuffleReads)) {
        shuffleReads[dep.shuffleId] = tracker.statuses(dep.shuffleId).map((s) =>
          s
            ? {
                mapId: s.mapId,
                executorId: s.executorId,
                host: s.host,
                sizes: s.partitionLengths,
                port: addresses.get(s.executorId)?.blockPort ?? 0,
                localDir: addresses.get(s.executorId)?.localDir ?? '',
              }
            : null,
        );
      }
    }
    const node: PlanNode = { rddId: rdd.id, kind: rdd.kind, args: rdd.planArgs, parents, site: rdd.creationSite };
    if (rdd.storageLevel.name !== 'NONE') {
      node.storage = rdd.storageLevel.name;
      const locs = ctx.cacheLocations(rdd.id, rdd.getNumPartitions());
      const holders: Record<number, PlannedBlockHolder[]> = {};
      for (const [p, list] of Object.entries(locs)) {
        holders[Number(p)] = list.map((l) => ({ ...l, port: addresses.get(l.executorId)?.blockPort ?? 0 }));
      }
      cachedBlocks[rdd.id] = holders;
    }
    indexOf.set(rdd.id, nodes.length);
    nodes.push(node);
    return nodes.length - 1;
  };
  visit(stage.rdd);

  let output: StageOutput;
  if (stage instanceof ShuffleMapStage) {
    const dep = stage.shuffleDep;
    output = {
      kind: 'shuffle-map',
      shuffleId: dep.shuffleId,
      partitioner: dep.partitioner.toSpec(),
      aggregator: dep.aggregator,
      mapSideCombine: dep.mapSideCombine,
    };
  } else {
    output = { kind: 'result', spec: (stage as ResultStage).spec };
  }
  return { stageId: stage.id, stageAttemptId: attemptId, nodes, shuffleReads, output, modules: moduleSpecifiers(nodes, output), cachedBlocks };
}

/** Function specs sit at known places: node args (fn, aggregator), the output's aggregator and action fns. */
function moduleSpecifiers(nodes: PlanNode[], output: StageOutput): string[] {
  const specs: unknown[] = [];
  const addAll = (o: unknown) => {
    if (o && typeof o === 'object') specs.push(...Object.values(o as Record<string, unknown>));
  };
  for (const n of nodes) {
    const a = n.args as Record<string, unknown> | undefined;
    if (!a) continue;
    specs.push(a['fn']);
    addAll(a['aggregator']);
  }
  if (output.kind === 'shuffle-map') addAll(output.aggregator);
  else addAll(output.spec.fns);
  const out = new Set<string>();
  for (const s of specs) {
    const markers = (s as { markers?: Array<{ $kindling: string; specifier?: string }> } | undefined)?.markers;
    for (const m of markers ?? []) if (m.$kindling === 'module' && m.specifier) out.add(m.specifier);
  }
  return [...out];
}
