import type { RddInfo, StageEvent, TaskEvent } from '../listener/kindling-listener.js';
import type { RDD } from '../rdd/rdd.js';
import type { Stage } from './stage.js';
import type { TaskEndReason } from './task-end-reason.js';
import type { TaskInfo } from './task-info.js';

/** Listener payloads built from scheduler state. */
export function stageEvent(stage: Stage): StageEvent {
  return {
    stageId: stage.id,
    attemptId: Math.max(stage.latestAttemptId, 0),
    name: stage.name,
    numTasks: stage.numTasks,
    parentIds: stage.parents.map((p) => p.id),
    rddInfos: rddInfos(stage.rdd),
    pool: stage.schedulingPool,
  };
}

/** The stage's RDD and its narrow ancestors, newest first. */
function rddInfos(root: RDD<unknown>): RddInfo[] {
  const out: RddInfo[] = [];
  const seen = new Set<number>();
  const visit = (rdd: RDD<unknown>) => {
    if (seen.has(rdd.id)) return;
    seen.add(rdd.id);
    out.push({
      id: rdd.id,
      ...(rdd.name !== undefined ? { name: rdd.name } : {}),
      callSite: rdd.creationSite,
      numPartitions: rdd.getNumPartitions(),
      storageLevel: rdd.storageLevel.name,
      parentIds: rdd.dependencies.map((d) => d.rdd.id),
    });
    for (const dep of rdd.dependencies) if (dep.type === 'narrow') visit(dep.rdd);
  };
  visit(root);
  return out;
}

export function taskEvent(info: TaskInfo, reason: TaskEndReason | undefined): TaskEvent {
  return {
    taskId: info.taskId,
    stageId: info.stageId,
    stageAttemptId: info.stageAttemptId,
    partition: info.partition,
    attempt: info.attemptNumber,
    executorId: info.executorId,
    host: info.host,
    locality: info.locality,
    successful: reason?.kind === 'success',
    durationMs: reason ? Math.max(0, info.finishTime - info.launchTime) : 0,
    ...(reason ? { endReason: reason.kind } : {}),
    ...(reason?.kind === 'exception' ? { error: reason.error } : {}),
  };
}
