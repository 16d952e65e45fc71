import type { RDD } from '../rdd/rdd.js';
import type { ShuffleDependency } from '../rdd/dependency.js';
import type { ResultSpec } from '../rdd/result-spec.js';
import type { MapOutputTracker } from './map-output-tracker.js';

/** A set of identical tasks over the partitions of one RDD, cut at shuffle boundaries. */
export abstract class Stage {
  readonly jobIds = new Set<number>();
  /** Partitions whose tasks have not succeeded in the current attempt. */
  readonly pendingPartitions = new Set<number>();
  /** Attempts that failed with a fetch failure since the last success; 4 in a row abort. */
  readonly failedAttemptIds = new Set<number>();
  nextAttemptId = 0;
  latestAttemptId = -1;
  /** The pool of the job that submitted the latest attempt (listener events carry it). */
  schedulingPool = 'default';

  constructor(
    readonly id: number,
    readonly rdd: RDD<unknown>,
    readonly numTasks: number,
    readonly parents: Stage[],
    readonly firstJobId: number,
    readonly name: string,
  ) {}

  makeNewAttempt(): number {
    this.latestAttemptId = this.nextAttemptId++;
    return this.latestAttemptId;
  }

  abstract findMissingPartitions(): number[];

  toString(): string {
    return `${this instanceof ShuffleMapStage ? 'ShuffleMapStage' : 'ResultStage'} ${this.id}`;
  }
}

export class ShuffleMapStage extends Stage {
  constructor(
    id: number,
    rdd: RDD<unknown>,
    parents: Stage[],
    firstJobId: number,
    name: string,
    readonly shuffleDep: ShuffleDependency,
    private readonly tracker: MapOutputTracker,
  ) {
    super(id, rdd, rdd.getNumPartitions(), parents, firstJobId, name);
  }

  get isAvailable(): boolean {
    return this.tracker.numAvailableOutputs(this.shuffleDep.shuffleId) === this.numTasks;
  }

  findMissingPartitions(): number[] {
    return this.tracker.missingPartitions(this.shuffleDep.shuffleId);
  }
}

/** The job's final stage: runs the action's function on each requested partition. */
export class ResultStage extends Stage {
  job: ActiveJob | undefined;

  constructor(
    id: number,
    rdd: RDD<unknown>,
    parents: Stage[],
    firstJobId: number,
    name: string,
    readonly spec: ResultSpec,
    readonly partitions: number[],
  ) {
    super(id, rdd, partitions.length, parents, firstJobId, name);
  }

  findMissingPartitions(): number[] {
    const job = this.job;
    if (!job) return [];
    const missing: number[] = [];
    for (let i = 0; i < job.partitions.length; i++) if (!job.finished[i]) missing.push(i);
    return missing;
  }
}

export interface ActiveJob {
  readonly jobId: number;
  readonly finalStage: ResultStage;
  readonly partitions: number[];
  readonly finished: boolean[];
  readonly results: unknown[];
  numFinished: number;
  /** Serialized bytes of the results received so far (Spark's maxResultSize accounting). */
  resultBytes: number;
  /** The local properties the job was submitted with (pool, job group, description). */
  readonly properties: Readonly<Record<string, string>>;
  /** Removes the job's AbortSignal listener. */
  detach?: () => void;
  resolve(results: unknown[]): void;
  reject(error: Error): void;
}
