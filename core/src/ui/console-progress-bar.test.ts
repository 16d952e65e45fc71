import { expect } from 'chai';
import type { TaskEvent } from '../listener/kindling-listener.js';
import { ConsoleProgressBar, renderStage } from './console-progress-bar.js';

/** A terminal stand-in that records writes, with a manual clock and a manual timer. */
function fakeTerminal(columns = 40) {
  const writes: string[] = [];
  let now = 1_000_000;
  let timer: { ms: number; fn: () => void } | undefined;
  let timersStarted = 0;
  const stream = { isTTY: true, columns, write: (t: string) => writes.push(t) };
  const bar = new ConsoleProgressBar(stream, {
    now: () => now,
    every: (ms, fn) => {
      timersStarted++;
      timer = { ms, fn };
      return () => (timer = undefined);
    },
  });
  return {
    bar,
    writes,
    advance(ms: number) {
      // Fire the timer every interval, as setInterval would.
      for (let t = 0; t < ms; t += 100) {
        now += 100;
        if (timer && (now - 1_000_000) % timer.ms === 0) timer.fn();
      }
    },
    get timer() {
      return timer;
    },
    get timersStarted() {
      return timersStarted;
    },
  };
}

const task = (stageId: number, successful = true): TaskEvent => ({
  taskId: 0,
  stageId,
  stageAttemptId: 0,
  partition: 0,
  attempt: 0,
  executorId: 'driver',
  host: 'localhost',
  locality: 'PROCESS_LOCAL',
  successful,
  durationMs: 1,
});
const stage = (stageId: number, numTasks: number) => ({ stageId, attemptId: 0, name: `s${stageId}`, numTasks, parentIds: [], pool: 'default' });

describe('ui/ConsoleProgressBar', () => {
  it("renders Spark's layout", () => {
    expect(renderStage({ stageId: 3, numTasks: 100, completed: 41, active: 2 }, 40)).to.equal('[Stage 3:======>         (41 + 2) / 100]');
    expect(renderStage({ stageId: 0, numTasks: 4, completed: 0, active: 0 }, 30)).to.equal('[Stage 0:>        (0 + 0) / 4]');
    expect(renderStage({ stageId: 0, numTasks: 4, completed: 4, active: 0 }, 30)).to.equal('[Stage 0:=========(4 + 0) / 4]');
    // Too narrow for a bar: only the counts.
    expect(renderStage({ stageId: 12, numTasks: 100, completed: 5, active: 1 }, 10)).to.equal('[Stage 12:(5 + 1) / 100]');
  });

  it('shows only on a terminal with the setting on', () => {
    expect(ConsoleProgressBar.shouldShow(true, { isTTY: true, write: () => true })).to.equal(true);
    expect(ConsoleProgressBar.shouldShow(true, { isTTY: false, write: () => true })).to.equal(false);
    expect(ConsoleProgressBar.shouldShow(true, { write: () => true })).to.equal(false);
    expect(ConsoleProgressBar.shouldShow(false, { isTTY: true, write: () => true })).to.equal(false);
  });

  it('waits 500 ms, redraws every 200 ms only when the bar changed, and clears at the end', () => {
    const t = fakeTerminal(40);
    t.bar.onJobStart({ jobId: 0 });
    t.bar.onStageSubmitted(stage(3, 100));
    expect(t.timer!.ms).to.equal(200);
    for (let i = 0; i < 43; i++) t.bar.onTaskStart(task(3));
    for (let i = 0; i < 41; i++) t.bar.onTaskEnd(task(3));
    t.advance(400);
    expect(t.writes, 'nothing before the stage ran 500 ms').to.deep.equal([]);
    t.advance(200);
    expect(t.writes).to.deep.equal(['\r[Stage 3:======>         (41 + 2) / 100]\r']);
    t.advance(1000);
    expect(t.writes, 'unchanged bar is not redrawn').to.have.length(1);
    t.bar.onTaskEnd(task(3, false)); // a failed attempt: fewer running, none more complete
    t.advance(200);
    expect(t.writes.at(-1)).to.equal('\r[Stage 3:======>         (41 + 1) / 100]\r');
    t.bar.onStageCompleted(stage(3, 100));
    expect(t.timer, 'no timer while no stage runs').to.equal(undefined);
    t.bar.onJobEnd({ jobId: 0 });
    expect(t.writes.at(-1)).to.equal('\r' + ' '.repeat(40) + '\r');
    expect(t.writes.join('')).not.to.include('\n');
  });

  it('splits the width among up to three stages, lowest ids first', () => {
    const t = fakeTerminal(90);
    t.bar.onJobStart({ jobId: 0 });
    for (const id of [4, 1, 2, 3]) t.bar.onStageSubmitted(stage(id, 10));
    t.advance(600);
    const line = t.writes.at(-1)!;
    expect(line.startsWith('\r[Stage 1:')).to.equal(true);
    expect(line).to.include('[Stage 2:').and.include('[Stage 3:').and.not.include('[Stage 4:');
    expect(line.length).to.equal(90 + 2);
    expect(t.timersStarted).to.equal(1);
  });

  it('falls back to the configured width when the terminal reports 0 columns (an unsized pty)', () => {
    const writes: string[] = [];
    let now = 0;
    const bar = new ConsoleProgressBar({ isTTY: true, columns: 0, write: (t: string) => writes.push(t) }, {
      now: () => now,
      every: () => () => undefined,
      columns: 30,
    });
    bar.onStageSubmitted(stage(0, 4));
    now = 600;
    bar.refresh();
    expect(writes).to.deep.equal(['\r[Stage 0:>        (0 + 0) / 4]\r']);
  });

  it('stop() clears a visible bar and stops the timer', () => {
    const t = fakeTerminal(30);
    t.bar.onJobStart({ jobId: 1 });
    t.bar.onStageSubmitted(stage(0, 2));
    t.advance(600);
    expect(t.writes).to.have.length(1);
    t.bar.stop();
    expect(t.writes.at(-1)).to.equal('\r' + ' '.repeat(30) + '\r');
    expect(t.timer).to.equal(undefined);
  });
});
