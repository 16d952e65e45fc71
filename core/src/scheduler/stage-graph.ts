import type { ShuffleDependency } from '../rdd/dependency.js';
import type { RDD } from '../rdd/rdd.js';
import type { ResultSpec } from '../rdd/result-spec.js';
import type { BlockManagerMaster } from './block-manager-master.js';
import type { MapOutputTracker } from './map-output-tracker.js';
import { ResultStage, ShuffleMapStage, type Stage } from './stage.js';

/**
 * The stages known to the DAG scheduler and how they are built from RDD lineage.
 * Shuffle map stages are kept for the life of the context, so a later job that uses the same
 * shuffle finds its outputs registered and skips the stage.
 */
export class StageGraph {
  private nextStageId = 0;
  private readonly stages = new Map<number, Stage>();
  private readonly shuffleStages = new Map<number, ShuffleMapStage>();

  constructor(private readonly tracker: MapOutputTracker) {}

  stage(id: number): Stage | undefined {
    return this.stages.get(id);
  }

  shuffleMapStage(shuffleId: number): ShuffleMapStage | undefined {
    return this.shuffleStages.get(shuffleId);
  }

  createResultStage(rdd: RDD<unknown>, spec: ResultSpec, partitions: number[], jobId: number): ResultStage {
    const n = rdd.getNumPartitions();
    for (const p of partitions) {
      if (!Number.isInteger(p) || p < 0 || p >= n) {
        throw new RangeError(`Attempting to access a non-existent partition: ${p}. Total number of partitions: ${n}`);
      }
    }
    const parents = this.parentStages(rdd, jobId);
    const name = spec.callSite ?? `${spec.action} at <unknown>`;
    const stage = new ResultStage(this.nextStageId++, rdd, parents, jobId, name, spec, partitions);
    this.stages.set(stage.id, stage);
    this.addJob(stage, jobId);
    return stage;
  }

  forgetResultStage(stage: ResultStage): void {
    this.stages.delete(stage.id);
  }

  /** The final stage and all its ancestors. */
  stagesOfJob(finalStage: Stage): Stage[] {
    const out = new Set<Stage>();
    const visit = (s: Stage) => {
      if (out.has(s)) return;
      out.add(s);
      s.parents.forEach(visit);
    };
    visit(finalStage);
    return [...out];
  }

  /** Parent stages that still need to run; a fully cached RDD stops the walk. */
  missingParentStages(stage: Stage, blocks: BlockManagerMaster): Stage[] {
    const missing = new Set<Stage>();
    const visited = new Set<number>();
    const stack: RDD<unknown>[] = [stage.rdd];
    while (stack.length > 0) {
      const rdd = stack.pop()!;
      if (visited.has(rdd.id)) continue;
      visited.add(rdd.id);
      if (rdd.storageLevel.name !== 'NONE' && blocks.isFullyCached(rdd.id, rdd.getNumPartitions())) continue;
      for (const dep of rdd.dependencies) {
        if (dep.type === 'shuffle') {
          const mapStage = this.getOrCreateShuffleMapStage(dep, stage.firstJobId);
          this.addJob(mapStage, [...stage.jobIds][0] ?? stage.firstJobId);
          if (!mapStage.isAvailable) missing.add(mapStage);
        } else {
          stack.push(dep.rdd);
        }
      }
    }
    return [...missing];
  }

  private parentStages(rdd: RDD<unknown>, jobId: number): Stage[] {
    return this.immediateShuffleDeps(rdd).map((dep) => this.getOrCreateShuffleMapStage(dep, jobId));
  }

  /** Shuffle dependencies reachable through narrow dependencies only. */
  private immediateShuffleDeps(rdd: RDD<unknown>): ShuffleDependency[] {
    const deps: ShuffleDependency[] = [];
    const visited = new Set<number>();
    const stack = [rdd];
    while (stack.length > 0) {
      const r = stack.pop()!;
      if (visited.has(r.id)) continue;
      visited.add(r.id);
      for (const dep of r.dependencies) {
        if (dep.type === 'shuffle') deps.push(dep);
        else stack.push(dep.rdd);
      }
    }
    return deps;
  }

  private getOrCreateShuffleMapStage(dep: ShuffleDependency, jobId: number): ShuffleMapStage {
    const existing = this.shuffleStages.get(dep.shuffleId);
    if (existing) {
      this.addJob(existing, jobId);
      return existing;
    }
    // Parents first, so a parent always has a lower stage id than its child.
    const parents = this.parentStages(dep.rdd, jobId);
    const again = this.shuffleStages.get(dep.shuffleId);
    if (again) return again;
    const stage = new ShuffleMapStage(this.nextStageId++, dep.rdd, parents, jobId, dep.rdd.creationSite, dep, this.tracker);
    this.stages.set(stage.id, stage);
    this.shuffleStages.set(dep.shuffleId, stage);
    this.tracker.registerShuffle(dep.shuffleId, stage.numTasks);
    this.addJob(stage, jobId);
    return stage;
  }

  private addJob(stage: Stage, jobId: number): void {
    if (stage.jobIds.has(jobId)) return;
    stage.jobIds.add(jobId);
    stage.parents.forEach((p) => this.addJob(p, jobId));
  }
}
