/*
 * Test doubles for driving a real DAGScheduler without a task scheduler or executors: a
 * TaskSubmitter that only records what it is asked, and a minimal stand-in for the
 * KindlingContext that RDD definitions call into (ids, reduce locality, persistence).
 */
import type { KindlingContext } from '../context/kindling-context.js';
import { KindlingConf } from '../conf/kindling-conf.js';
import type { RddDefinition } from '../rdd/rdd-definition.js';
import { RDD } from '../rdd/rdd.js';
import type { DAGScheduler, TaskSubmitter } from './dag-scheduler.js';
import type { MapOutputTracker } from './map-output-tracker.js';
import type { TaskSet } from './task-set.js';

/** Records every submitted task set and every cancelTasks call, in order. */
export class FakeTaskSubmitter implements TaskSubmitter {
  readonly taskSets: TaskSet[] = [];
  readonly cancelled: Array<{ stageId: number; reason: string }> = [];

  submitTasks(taskSet: TaskSet): void {
    this.taskSets.push(taskSet);
  }

  cancelTasks(stageId: number, reason: string): void {
    this.cancelled.push({ stageId, reason });
  }

  /** "stageId.attempt" of every submitted task set, e.g. ['0.0', '1.0']. */
  ids(): string[] {
    return this.taskSets.map((ts) => `${ts.stageId}.${ts.stageAttemptId}`);
  }

  last(): TaskSet {
    const ts = this.taskSets[this.taskSets.length - 1];
    if (!ts) throw new Error('no task set was submitted');
    return ts;
  }

  find(stageId: number, attempt: number): TaskSet {
    const ts = this.taskSets.find((t) => t.stageId === stageId && t.stageAttemptId === attempt);
    if (!ts) throw new Error(`no task set ${stageId}.${attempt}; submitted: ${this.ids().join(', ')}`);
    return ts;
  }
}

/** The parts of KindlingContext that RDDs and their definitions use on the driver. */
export interface FakeContext {
  readonly conf: KindlingConf;
  newRddId(): number;
  newShuffleId(): number;
  makeRdd<T>(def: RddDefinition, creationSite: string, errors?: Error[]): RDD<T>;
  unpersistRdd(rdd: RDD<unknown>): Promise<void>;
  reduceLocations(shuffleId: number, reduceId: number): string[];
  readonly defaultParallelism: number;
}

/**
 * A context object good enough for `new RDD(kc, def, site)` and the rdd definition builders.
 * `dag()` is read lazily because the scheduler is built after the context.
 */
export function fakeContext(tracker: MapOutputTracker, dag: () => DAGScheduler | undefined): KindlingContext {
  let nextRddId = 0;
  let nextShuffleId = 0;
  const fake: FakeContext = {
    conf: new KindlingConf(),
    newRddId: () => nextRddId++,
    newShuffleId: () => nextShuffleId++,
    makeRdd: <T>(def: RddDefinition, creationSite: string, errors: Error[] = []) =>
      new RDD<T>(fake as unknown as KindlingContext, def, creationSite, errors),
    unpersistRdd: async () => undefined,
    // Same as KindlingContext.reduceLocations.
    reduceLocations: (shuffleId, reduceId) => {
      const dep = dag()?.shuffleDependencyOf(shuffleId);
      if (!dep) return [];
      return tracker.preferredHostsForReduce(shuffleId, reduceId, dep.partitioner.numPartitions);
    },
    defaultParallelism: 2,
  };
  return fake as unknown as KindlingContext;
}
