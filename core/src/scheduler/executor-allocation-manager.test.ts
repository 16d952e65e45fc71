import { expect } from 'chai';
import { KindlingConf } from '../conf/kindling-conf.js';
import { ConfigError } from '../errors.js';
import type { TaskEvent } from '../listener/kindling-listener.js';
import { ManualClock } from '../util/clock.js';
import { readDynamicAllocationConf } from './dynamic-allocation-conf.js';
import { ExecutorAllocationManager, type ExecutorAllocationClient } from './executor-allocation-manager.js';

/** Records the two calls dynamic allocation may make, and accepts them. */
class FakeClient implements ExecutorAllocationClient {
  readonly totals: number[] = [];
  readonly kills: Array<[string, string | undefined]> = [];
  accept = true;
  async requestTotalExecutors(total: number): Promise<boolean> {
    this.totals.push(total);
    return this.accept;
  }
  async killExecutors(ids: string[], reason?: string): Promise<boolean> {
    for (const id of ids) this.kills.push([id, reason]);
    return true;
  }
}

function setup(conf: Record<string, string> = {}, cached = new Set<string>(), shuffles = new Set<string>()) {
  const clock = new ManualClock(1_000_000);
  const client = new FakeClient();
  const warnings: string[] = [];
  const c = readDynamicAllocationConf(new KindlingConf({ 'kindling.dynamicAllocation.enabled': 'true', ...conf }));
  const eam = new ExecutorAllocationManager(
    c,
    client,
    { cachedExecutors: () => cached, activeShuffleExecutors: () => shuffles },
    { clock, executorCores: 1, warn: (m) => warnings.push(m) },
  );
  const task = (stageId: number, partition: number, executorId: string, successful = true): TaskEvent => ({
    taskId: stageId * 1000 + partition,
    stageId,
    stageAttemptId: 0,
    partition,
    attempt: 0,
    executorId,
    host: 'h',
    locality: 'ANY',
    successful,
    durationMs: 1,
  });
  const stage = (stageId: number, numTasks: number) => ({ stageId, attemptId: 0, name: 's', numTasks, parentIds: [], pool: 'default' });
  const addExecutor = (id: string) => eam.onExecutorAdded({ executorId: id, host: 'h', cores: 1, time: 0 });
  return { clock, client, eam, warnings, task, stage, addExecutor };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ExecutorAllocationManager (manual clock)', () => {
  it('ramps up 1, 2, 4 ... under a sustained backlog, capped by what the tasks need and maxExecutors', async () => {
    const { clock, client, eam, stage } = setup({ 'kindling.dynamicAllocation.maxExecutors': '10' });
    await eam.start();
    expect(client.totals).to.deep.equal([0]);
    eam.onStageSubmitted(stage(0, 100));
    eam.schedule(clock.now());
    expect(eam.targetExecutors).to.equal(0); // the backlog timeout (1 s) has not passed
    const targets: number[] = [];
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      eam.schedule(clock.now());
      targets.push(eam.targetExecutors);
    }
    // 1, +2, +4, then capped at maxExecutors = 10.
    expect(targets).to.deep.equal([1, 3, 7, 10, 10]);
    await flush();
    expect(client.totals).to.deep.equal([0, 1, 3, 7, 10]);
    expect(eam.reasonForAddedExecutor('0')).to.match(/requested by dynamic allocation: 100 tasks backlogged, target 0 -> 1/);
  });

  it('never asks for more executors than pending plus running tasks need', async () => {
    const { clock, eam, stage, task, addExecutor } = setup({ 'kindling.dynamicAllocation.executorAllocationRatio': '0.5' });
    await eam.start();
    eam.onStageSubmitted(stage(0, 6));
    for (let i = 0; i < 6; i++) {
      clock.advance(1000);
      eam.schedule(clock.now());
    }
    // ceil(6 tasks x 0.5 / 1 core) = 3
    expect(eam.targetExecutors).to.equal(3);
    addExecutor('a');
    eam.onTaskStart(task(0, 0, 'a'));
    expect(eam.maxNumExecutorsNeeded()).to.equal(3);
  });

  it('lowers the target when the backlog drains and releases executors idle for executorIdleTimeout, never below minExecutors', async () => {
    const { clock, client, eam, stage, task, addExecutor } = setup({
      'kindling.dynamicAllocation.minExecutors': '1',
      'kindling.dynamicAllocation.executorIdleTimeout': '60s',
    });
    await eam.start();
    for (const id of ['a', 'b', 'c']) addExecutor(id);
    eam.onStageSubmitted(stage(0, 3));
    ['a', 'b', 'c'].forEach((id, i) => eam.onTaskStart(task(0, i, id)));
    clock.advance(5000);
    ['a', 'b', 'c'].forEach((id, i) => eam.onTaskEnd(task(0, i, id)));
    eam.onStageCompleted(stage(0, 3));
    eam.schedule(clock.now());
    expect(eam.targetExecutors).to.equal(1);
    clock.advance(59_999);
    eam.schedule(clock.now());
    expect(client.kills).to.deep.equal([]);
    clock.advance(1);
    eam.schedule(clock.now());
    expect(client.kills).to.deep.equal([
      ['a', 'idle for 60 s'],
      ['b', 'idle for 60 s'],
    ]);
    // Killed executors are not offered again while their removal is pending.
    clock.advance(120_000);
    eam.schedule(clock.now());
    expect(client.kills).to.have.length(2);
  });

  it('keeps executors with cached blocks until cachedExecutorIdleTimeout (infinite by default)', async () => {
    const cached = new Set(['a']);
    const { clock, client, eam, addExecutor } = setup({}, cached);
    await eam.start();
    addExecutor('a');
    addExecutor('b');
    eam.schedule(clock.now());
    clock.advance(3_600_000);
    eam.schedule(clock.now());
    expect(client.kills).to.deep.equal([['b', 'idle for 60 s']]);

    const second = setup({ 'kindling.dynamicAllocation.cachedExecutorIdleTimeout': '120s' }, new Set(['a']));
    await second.eam.start();
    second.addExecutor('a');
    second.clock.advance(119_000);
    second.eam.schedule(second.clock.now());
    expect(second.client.kills).to.deep.equal([]);
    second.clock.advance(1000);
    second.eam.schedule(second.clock.now());
    expect(second.client.kills).to.deep.equal([['a', 'idle for 120 s with cached blocks (kindling.dynamicAllocation.cachedExecutorIdleTimeout)']]);
  });

  it('keeps an executor holding shuffle output an active job needs, until that job no longer needs it', async () => {
    const shuffles = new Set(['a']);
    const { clock, client, eam, addExecutor } = setup({}, new Set(), shuffles);
    await eam.start();
    addExecutor('a');
    clock.advance(600_000);
    eam.schedule(clock.now());
    expect(client.kills).to.deep.equal([]);
    shuffles.clear(); // the job ended
    eam.schedule(clock.now());
    expect(client.kills).to.deep.equal([['a', 'idle for 60 s']]);
  });

  it('honours a finite shuffleTracking.timeout', async () => {
    const { clock, client, eam, addExecutor } = setup({ 'kindling.dynamicAllocation.shuffleTracking.timeout': '300s' }, new Set(), new Set(['a']));
    await eam.start();
    addExecutor('a');
    clock.advance(299_000);
    eam.schedule(clock.now());
    expect(client.kills).to.deep.equal([]);
    clock.advance(1000);
    eam.schedule(clock.now());
    expect(client.kills[0]![1]).to.match(/^idle for 300 s holding shuffle output an active job needs/);
  });

  it('a failed task is pending again and restarts the backlog timer', async () => {
    const { clock, eam, stage, task, addExecutor } = setup();
    await eam.start();
    addExecutor('a');
    eam.onStageSubmitted(stage(0, 1));
    eam.onTaskStart(task(0, 0, 'a'));
    clock.advance(5000);
    eam.schedule(clock.now());
    expect(eam.targetExecutors).to.equal(0); // every task started at once: no backlog
    eam.onTaskEnd(task(0, 0, 'a', false));
    expect(eam.maxNumExecutorsNeeded()).to.equal(1);
    clock.advance(999);
    eam.schedule(clock.now());
    expect(eam.targetExecutors).to.equal(0);
    clock.advance(1);
    eam.schedule(clock.now());
    expect(eam.targetExecutors).to.equal(1); // the target counts the executor it has, capped by the one task
  });

  it('names the reason of each executor it adds: the initial ones, then the requested ones', async () => {
    const { clock, eam, stage } = setup({ 'kindling.dynamicAllocation.initialExecutors': '2' });
    await eam.start();
    expect(eam.reasonForAddedExecutor('0')).to.equal('initial executor of dynamic allocation (target 2)');
    expect(eam.reasonForAddedExecutor('1')).to.equal('initial executor of dynamic allocation (target 2)');
    expect(eam.reasonForAddedExecutor('x')).to.equal(undefined); // e.g. a replacement for a lost executor
    eam.onStageSubmitted(stage(0, 10));
    clock.advance(1000);
    eam.schedule(clock.now());
    expect(eam.reasonForAddedExecutor('2')).to.equal('requested by dynamic allocation: 10 tasks backlogged, target 2 -> 3');
  });

  it('turns itself off with a warning when the cluster manager cannot change its executors', async () => {
    const { client, eam, warnings } = setup();
    client.accept = false;
    expect(await eam.start()).to.equal(false);
    expect(warnings[0]).to.match(/cannot change the number of executors; dynamic allocation is off/);
  });

  it('validates its configuration with Spark\'s messages', () => {
    const read = (c: Record<string, string>) => () => readDynamicAllocationConf(new KindlingConf({ 'kindling.dynamicAllocation.enabled': 'true', ...c }));
    expect(read({ 'kindling.dynamicAllocation.maxExecutors': '0' })).to.throw(ConfigError, /maxExecutors cannot be 0!/);
    expect(read({ 'kindling.dynamicAllocation.minExecutors': '5', 'kindling.dynamicAllocation.maxExecutors': '2' })).to.throw(
      ConfigError,
      /minExecutors \(5\) must be less than or equal to kindling.dynamicAllocation.maxExecutors \(2\)!/,
    );
    expect(read({ 'kindling.dynamicAllocation.executorAllocationRatio': '1.5' })).to.throw(ConfigError, /executorAllocationRatio must be > 0 and <= 1.0/);
    expect(read({ 'kindling.dynamicAllocation.schedulerBacklogTimeout': '0' })).to.throw(ConfigError, /schedulerBacklogTimeout must be > 0!/);
    expect(read({ 'kindling.dynamicAllocation.shuffleTracking.enabled': 'false' })).to.throw(ConfigError, /requires shuffle tracking/);
    expect(read({ 'kindling.executor.cores': '1', 'kindling.task.cpus': '2' })).to.throw(ConfigError, /kindling.executor.cores must not be less than kindling.task.cpus/);
    expect(read({ 'kindling.task.cpus': '2' })).not.to.throw();
    const defaults = read({})();
    expect(defaults).to.deep.include({
      minExecutors: 0,
      maxExecutors: Infinity,
      initialExecutors: 0,
      executorAllocationRatio: 1,
      schedulerBacklogTimeoutMs: 1000,
      sustainedSchedulerBacklogTimeoutMs: 1000,
      executorIdleTimeoutMs: 60_000,
      cachedExecutorIdleTimeoutMs: Infinity,
      shuffleTrackingEnabled: true,
      shuffleTrackingTimeoutMs: Infinity,
    });
    expect(read({ 'kindling.dynamicAllocation.minExecutors': '2', 'kindling.executor.instances': '3' })().initialExecutors).to.equal(3);
  });
});
