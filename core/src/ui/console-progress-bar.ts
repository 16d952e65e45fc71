import type { KindlingListener, StageEvent, TaskEvent } from '../listener/kindling-listener.js';

/** Where the bar is drawn: a terminal stream (process.stderr in a real driver). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ConsoleProgressBarOptions {
  /** Milliseconds since some epoch; tests pass a manual clock. */
  now?: () => number;
  /** Starts a repeating timer and returns its canceller; tests drive refresh() themselves. */
  every?: (ms: number, fn: () => void) => () => void;
  /** Terminal width when the stream does not report one (Spark reads COLUMNS, default 80). */
  columns?: number;
}

/** Spark's ConsoleProgressBar constants: redraw at most every 200 ms, show stages older than 500 ms. */
export const PROGRESS_UPDATE_INTERVAL_MS = 200;
export const PROGRESS_FIRST_DELAY_MS = 500;
/** Redraw an unchanged bar after this long anyway, as Spark does. */
const REPRINT_UNCHANGED_MS = 60_000;
const MAX_STAGES_SHOWN = 3;
const CR = '\r';

interface ActiveStage {
  readonly stageId: number;
  readonly attemptId: number;
  readonly numTasks: number;
  readonly submittedAt: number;
  active: number;
  completed: number;
}

const stageKey = (stageId: number, attemptId: number) => `${stageId}.${attemptId}`;

/**
 * The console progress bar of running stages (Spark's ConsoleProgressBar), e.g.
 * `[Stage 3:=====>    (41 + 2) / 100]`, driven by listener events and redrawn in place with
 * carriage returns. Only stages running longer than 500 ms are shown, at most three side by side;
 * the line is cleared when no job is running.
 */
export class ConsoleProgressBar implements KindlingListener {
  private readonly stages = new Map<string, ActiveStage>();
  private readonly runningJobs = new Set<number>();
  private readonly now: () => number;
  private readonly every: (ms: number, fn: () => void) => () => void;
  private cancelTimer: (() => void) | undefined;
  private lastBar = '';
  private lastUpdate = 0;
  private lastFinish = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly stream: ProgressStream,
    private readonly options: ConsoleProgressBarOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.every = options.every ?? unrefInterval;
  }

  /** Spark's rule: enabled by kindling.ui.showConsoleProgress, and only on a terminal. */
  static shouldShow(enabled: boolean, stream: ProgressStream): boolean {
    return enabled && stream.isTTY === true;
  }

  onJobStart(e: { jobId: number }): void {
    this.runningJobs.add(e.jobId);
  }

  onJobEnd(e: { jobId: number }): void {
    this.runningJobs.delete(e.jobId);
    if (this.runningJobs.size === 0) this.finishAll();
  }

  onStageSubmitted(e: StageEvent): void {
    this.stages.set(stageKey(e.stageId, e.attemptId), {
      stageId: e.stageId,
      attemptId: e.attemptId,
      numTasks: e.numTasks,
      submittedAt: this.now(),
      active: 0,
      completed: 0,
    });
    this.cancelTimer ??= this.every(PROGRESS_UPDATE_INTERVAL_MS, () => this.refresh());
  }

  onStageCompleted(e: StageEvent): void {
    this.stages.delete(stageKey(e.stageId, e.attemptId));
    if (this.stages.size === 0) this.stopTimer();
  }

  onTaskStart(e: TaskEvent): void {
    const s = this.stages.get(stageKey(e.stageId, e.stageAttemptId));
    if (s) s.active++;
  }

  onTaskEnd(e: TaskEvent): void {
    const s = this.stages.get(stageKey(e.stageId, e.stageAttemptId));
    if (!s) return;
    s.active = Math.max(0, s.active - 1);
    if (e.successful) s.completed = Math.min(s.numTasks, s.completed + 1);
  }

  /** Redraws if a stage has run long enough and the bar changed (called every 200 ms). */
  refresh(): void {
    const now = this.now();
    // Like Spark, nothing for 500 ms after a clear, so quick successive jobs do not flicker.
    if (now - this.lastFinish < PROGRESS_FIRST_DELAY_MS) return;
    const shown = [...this.stages.values()]
      .filter((s) => now - s.submittedAt > PROGRESS_FIRST_DELAY_MS)
      .sort((a, b) => a.stageId - b.stageId)
      .slice(0, MAX_STAGES_SHOWN);
    if (shown.length === 0) return;
    const width = Math.floor(this.terminalWidth() / shown.length);
    const bar = shown.map((s) => renderStage(s, width)).join('');
    if (bar !== this.lastBar || now - this.lastUpdate > REPRINT_UNCHANGED_MS) {
      this.stream.write(CR + bar + CR);
      this.lastUpdate = now;
    }
    this.lastBar = bar;
  }

  /** Clears the line once every job is done (Spark's finishAll). */
  finishAll(): void {
    if (this.lastBar !== '') {
      this.stream.write(CR + ' '.repeat(this.terminalWidth()) + CR);
      this.lastBar = '';
    }
    this.lastFinish = this.now();
  }

  /** Stops redrawing and clears the line (KindlingContext.stop). */
  stop(): void {
    this.stopTimer();
    this.stages.clear();
    this.finishAll();
  }

  private stopTimer(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  private terminalWidth(): number {
    // A pty without a size reports 0 columns: fall back like Spark (COLUMNS, else 80).
    const usable = (n: number | undefined) => (n !== undefined && Number.isInteger(n) && n > 0 ? n : undefined);
    return usable(this.stream.columns) ?? usable(this.options.columns) ?? usable(Number(process.env['COLUMNS'])) ?? 80;
  }
}

/** `[Stage 3:=====>    (41 + 2) / 100]` filling `width` columns, as Spark lays it out. */
export function renderStage(s: { stageId: number; numTasks: number; active: number; completed: number }, width: number): string {
  const header = `[Stage ${s.stageId}:`;
  const tailer = `(${s.completed} + ${s.active}) / ${s.numTasks}]`;
  const w = width - header.length - tailer.length;
  let bar = '';
  if (w > 0) {
    const percent = s.numTasks > 0 ? Math.floor((w * s.completed) / s.numTasks) : 0;
    for (let i = 0; i < w; i++) bar += i < percent ? '=' : i === percent ? '>' : ' ';
  }
  return header + bar + tailer;
}

function unrefInterval(ms: number, fn: () => void): () => void {
  const t = setInterval(fn, ms);
  t.unref();
  return () => clearInterval(t);
}
