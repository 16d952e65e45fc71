import type { JobEndEvent, JobStartEvent, KindlingContext, KindlingListener, StageEvent, TaskEvent } from '@kindling/core';

/** Everything the listener bus delivered while one piece of work ran. */
export interface Recording {
  jobsStarted: JobStartEvent[];
  jobsEnded: JobEndEvent[];
  stagesSubmitted: StageEvent[];
  stagesCompleted: StageEvent[];
  tasksStarted: TaskEvent[];
  tasksEnded: TaskEvent[];
}

/** Collects scheduler events; tests use it to count stages, tasks and attempts. */
export class ListenerRecorder implements KindlingListener {
  rec: Recording = ListenerRecorder.empty();

  static empty(): Recording {
    return { jobsStarted: [], jobsEnded: [], stagesSubmitted: [], stagesCompleted: [], tasksStarted: [], tasksEnded: [] };
  }

  onJobStart(e: JobStartEvent): void {
    this.rec.jobsStarted.push(e);
  }
  onJobEnd(e: JobEndEvent): void {
    this.rec.jobsEnded.push(e);
  }
  onStageSubmitted(e: StageEvent): void {
    this.rec.stagesSubmitted.push(e);
  }
  onStageCompleted(e: StageEvent): void {
    this.rec.stagesCompleted.push(e);
  }
  onTaskStart(e: TaskEvent): void {
    this.rec.tasksStarted.push(e);
  }
  onTaskEnd(e: TaskEvent): void {
    this.rec.tasksEnded.push(e);
  }

  reset(): Recording {
    const r = this.rec;
    this.rec = ListenerRecorder.empty();
    return r;
  }
}

/**
 * Runs `work` with a fresh recorder attached and returns its result with the events. Jobs that
 * end in failure may still report ends of tasks that were running; `settleMs` waits for them.
 */
export async function record<T>(
  kc: KindlingContext,
  work: () => Promise<T>,
  settleMs = 0,
): Promise<{ result: T; rec: Recording }> {
  const recorder = new ListenerRecorder();
  kc.addListener(recorder);
  try {
    const result = await work();
    if (settleMs > 0) await new Promise((r) => setTimeout(r, settleMs));
    return { result, rec: recorder.rec };
  } finally {
    kc.removeListener(recorder);
  }
}

/** Like record() for work expected to reject: returns the error and the events. */
export async function recordFailure(
  kc: KindlingContext,
  work: () => Promise<unknown>,
  settleMs = 100,
): Promise<{ error: Error; rec: Recording }> {
  const recorder = new ListenerRecorder();
  kc.addListener(recorder);
  try {
    let error: Error | undefined;
    try {
      await work();
    } catch (e) {
      error = e as Error;
    }
    if (!error) throw new Error('expected the work to fail, but it succeeded');
    if (settleMs > 0) await new Promise((r) => setTimeout(r, settleMs));
    return { error, rec: recorder.rec };
  } finally {
    kc.removeListener(recorder);
  }
}

/** Tasks that ended, grouped by stage id. */
export function tasksByStage(rec: Recording): Map<number, TaskEvent[]> {
  const m = new Map<number, TaskEvent[]>();
  for (const t of rec.tasksEnded) {
    const list = m.get(t.stageId) ?? [];
    list.push(t);
    m.set(t.stageId, list);
  }
  return m;
}

/** Ids of the stages that were actually submitted (ran or tried to run tasks). */
export function submittedStageIds(rec: Recording): number[] {
  return [...new Set(rec.stagesSubmitted.map((s) => s.stageId))].sort((a, b) => a - b);
}
