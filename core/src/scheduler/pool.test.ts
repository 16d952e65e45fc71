import { expect } from 'chai';
import { KindlingConf } from '../conf/kindling-conf.js';
import { ConfigError } from '../errors.js';
import { ManualClock } from '../util/clock.js';
import { FakeSchedulerBackend, RecordingListener, makeTaskSet, noPrefs, okResult } from './fake-scheduler-backend.test-helper.js';
import { loadPoolAllocations, parsePoolAllocations, schedulingModeOf, type PoolAllocation } from './pool-allocations.js';
import { Pool } from './pool.js';
import type { Schedulable } from './schedulable.js';
import { fairComparator, fifoComparator } from './scheduling-algorithm.js';
import { POOL_PROPERTY } from './schedulable-builder.js';
import type { TaskDescription } from './task-description.js';
import { TaskSchedulerImpl } from './task-scheduler-impl.js';

const s = (name: string, runningTasks: number, minShare = 0, weight = 1, priority = 0, stageId = 0): Schedulable => ({
  name,
  runningTasks,
  minShare,
  weight,
  priority,
  stageId,
});
const order = (items: Schedulable[], cmp: typeof fairComparator) => items.slice().sort(cmp).map((x) => x.name);

function fairScheduler(pools: PoolAllocation[], cores: number) {
  const sched = new TaskSchedulerImpl(new KindlingConf({ 'kindling.scheduler.mode': 'FAIR' }), {
    maxTaskFailures: 4,
    isLocal: false,
    clock: new ManualClock(),
    pools,
  });
  sched.setBackend(new FakeSchedulerBackend());
  sched.setListener(new RecordingListener());
  sched.executorAdded('exec1', 'host1', cores);
  return { sched };
}

const inPool = (pool: string) => ({ [POOL_PROPERTY]: pool });

describe('FAIR and FIFO scheduling algorithms (Spark\'s SchedulingAlgorithm)', () => {
  it('FIFO: the lower job id first, then the lower stage id', () => {
    const items = [s('c', 0, 0, 1, 2, 5), s('a', 0, 0, 1, 0, 3), s('b', 0, 0, 1, 0, 1)];
    expect(order(items, fifoComparator)).to.deep.equal(['b', 'a', 'c']);
  });

  it('FAIR: a pool below its minShare beats one that is not, whatever the weights', () => {
    expect(order([s('rich', 0, 0, 1000), s('needy', 1, 2, 1)], fairComparator)).to.deep.equal(['needy', 'rich']);
  });

  it('FAIR: two needy pools compare running tasks over minShare', () => {
    // 1/4 < 1/2: the one further below its share goes first.
    expect(order([s('half', 1, 2), s('quarter', 1, 4)], fairComparator)).to.deep.equal(['quarter', 'half']);
  });

  it('FAIR: otherwise running tasks over weight, ties by name', () => {
    expect(order([s('w1', 1, 0, 1), s('w3', 2, 0, 3)], fairComparator)).to.deep.equal(['w3', 'w1']);
    expect(order([s('b', 3, 0, 3), s('a', 1, 0, 1)], fairComparator)).to.deep.equal(['a', 'b']);
  });

  it('a pool sorts its own task sets by its own mode', () => {
    const root = new Pool('', 'FAIR', 0, 0);
    const fifo = new Pool('fifo', 'FIFO', 0, 1);
    root.add(fifo);
    expect(root.pool('fifo')).to.equal(fifo);
    expect(root.getSortedTaskSetQueue()).to.deep.equal([]);
  });
});

describe('TaskSchedulerImpl with FAIR pools', () => {
  it('serves a pool below its minShare first, then shares by weight', () => {
    const pools: PoolAllocation[] = [
      { name: 'light', schedulingMode: 'FIFO', weight: 1, minShare: 0 },
      { name: 'heavy', schedulingMode: 'FIFO', weight: 3, minShare: 0 },
      { name: 'guaranteed', schedulingMode: 'FIFO', weight: 1, minShare: 2 },
    ];
    const { sched } = fairScheduler(pools, 8);
    sched.submitTasks({ ...makeTaskSet({ stageId: 0, priority: 0, prefs: noPrefs(20) }), properties: inPool('light') });
    sched.submitTasks({ ...makeTaskSet({ stageId: 1, priority: 1, prefs: noPrefs(20) }), properties: inPool('heavy') });
    sched.submitTasks({ ...makeTaskSet({ stageId: 2, priority: 2, prefs: noPrefs(20) }), properties: inPool('guaranteed') });
    // One slot at a time, as executors free them: the minShare pool fills its 2 first.
    const launched: TaskDescription[] = [];
    for (let i = 0; i < 8; i++) launched.push(...sched.resourceOffers([{ executorId: 'exec1', host: 'host1', cores: 1 }]));
    expect(launched.slice(0, 2).map((t) => t.stageId)).to.deep.equal([2, 2]);
    // The other 6 by running/weight (ties by name): heavy, light, heavy, heavy, heavy, light.
    expect(launched.slice(2).map((t) => t.stageId)).to.deep.equal([1, 0, 1, 1, 1, 0]);
    const running = Object.fromEntries(sched.rootPool.pools.map((p) => [p.name, p.runningTasks]));
    expect(running).to.deep.equal({ light: 2, heavy: 4, guaranteed: 2, default: 0 });
  });

  it('keeps a freed slot with the pool that is furthest below its weighted share', () => {
    const pools: PoolAllocation[] = [
      { name: 'a', schedulingMode: 'FIFO', weight: 1, minShare: 0 },
      { name: 'b', schedulingMode: 'FIFO', weight: 3, minShare: 0 },
    ];
    const { sched } = fairScheduler(pools, 4);
    sched.submitTasks({ ...makeTaskSet({ stageId: 0, priority: 0, prefs: noPrefs(40) }), properties: inPool('a') });
    sched.submitTasks({ ...makeTaskSet({ stageId: 1, priority: 1, prefs: noPrefs(40) }), properties: inPool('b') });
    const running = new Map<number, TaskDescription>();
    const offerOne = () => {
      for (const t of sched.resourceOffers([{ executorId: 'exec1', host: 'host1', cores: 1 }])) running.set(t.taskId, t);
    };
    for (let i = 0; i < 4; i++) offerOne();
    for (let round = 0; round < 20; round++) {
      // Finish the oldest running task and offer its slot again.
      const [tid] = running.keys();
      running.delete(tid!);
      sched.statusUpdate(tid!, { state: 'FINISHED', result: okResult() });
      offerOne();
      const byPool = Object.fromEntries(sched.rootPool.pools.map((p) => [p.name, p.runningTasks]));
      expect(byPool).to.deep.include({ a: 1, b: 3 });
    }
  });

  it('keeps pool running counts current through successes, failures and kills', () => {
    const { sched } = fairScheduler([{ name: 'a', schedulingMode: 'FAIR', weight: 1, minShare: 0 }], 3);
    sched.submitTasks({ ...makeTaskSet({ stageId: 0, prefs: noPrefs(3) }), properties: inPool('a') });
    const [t0, t1, t2] = sched.resourceOffers([{ executorId: 'exec1', host: 'host1', cores: 3 }]);
    const a = sched.rootPool.pool('a')!;
    expect([a.runningTasks, sched.rootPool.runningTasks]).to.deep.equal([3, 3]);
    sched.statusUpdate(t0!.taskId, { state: 'FINISHED', result: okResult() });
    sched.statusUpdate(t1!.taskId, { state: 'FAILED', reason: { kind: 'exception', error: { name: 'Error', message: 'x', stack: 'Error: x' } } });
    sched.statusUpdate(t2!.taskId, { state: 'KILLED', reason: { kind: 'killed', reason: 'test' } });
    expect([a.runningTasks, sched.rootPool.runningTasks]).to.deep.equal([0, 0]);
  });

  it('creates an unknown pool with Spark\'s defaults, and FIFO mode ignores pools', () => {
    const { sched } = fairScheduler([], 2);
    sched.submitTasks({ ...makeTaskSet({ stageId: 0, prefs: noPrefs(1) }), properties: inPool('adhoc') });
    const adhoc = sched.rootPool.pools.find((p) => p.name === 'adhoc')!;
    expect([adhoc.schedulingMode, adhoc.weight, adhoc.minShare]).to.deep.equal(['FIFO', 1, 0]);
    expect(sched.rootPool.pools.map((p) => p.name)).to.include('default');
    const fifo = new TaskSchedulerImpl(new KindlingConf({}), { maxTaskFailures: 1, isLocal: true });
    expect(fifo.schedulingMode).to.equal('FIFO');
    expect(fifo.rootPool.pools).to.deep.equal([]);
  });

  it('FIFO: a later job never takes slots an earlier job can use', () => {
    const sched = new TaskSchedulerImpl(new KindlingConf({}), { maxTaskFailures: 4, isLocal: false, clock: new ManualClock() });
    sched.setBackend(new FakeSchedulerBackend());
    sched.setListener(new RecordingListener());
    sched.executorAdded('exec1', 'host1', 4);
    sched.submitTasks({ ...makeTaskSet({ stageId: 1, priority: 1, prefs: noPrefs(10) }), properties: inPool('x') });
    sched.submitTasks({ ...makeTaskSet({ stageId: 0, priority: 0, prefs: noPrefs(6) }), properties: inPool('y') });
    const first = sched.resourceOffers([{ executorId: 'exec1', host: 'host1', cores: 4 }]);
    expect(first.map((t) => t.jobId)).to.deep.equal([0, 0, 0, 0]);
    for (const t of first) sched.statusUpdate(t.taskId, { state: 'FINISHED', result: okResult() });
    const second = sched.resourceOffers([{ executorId: 'exec1', host: 'host1', cores: 4 }]);
    expect(second.map((t) => t.jobId)).to.deep.equal([0, 0, 1, 1]);
  });
});

describe('fairscheduler.xml (kindling.scheduler.allocation.file)', () => {
  it('reads Spark\'s documented example, with defaults for missing fields', async () => {
    const xml = `<?xml version="1.0"?>
      <allocations>
        <pool name="production"><schedulingMode>FAIR</schedulingMode><weight>1</weight><minShare>2</minShare></pool>
        <pool name="test"><schedulingMode>fifo</schedulingMode><weight>2</weight><minShare>3</minShare></pool>
        <pool name="bare"/>
      </allocations>`;
    expect(await parsePoolAllocations(xml, 'fair.xml')).to.deep.equal([
      { name: 'production', schedulingMode: 'FAIR', weight: 1, minShare: 2 },
      { name: 'test', schedulingMode: 'FIFO', weight: 2, minShare: 3 },
      { name: 'bare', schedulingMode: 'FIFO', weight: 1, minShare: 0 },
    ]);
  });

  const bad: Array<[string, string, RegExp]> = [
    ['malformed XML', '<allocations><pool name="a">', /fair\.xml is not well-formed XML/],
    ['wrong root', '<pools/>', /fair\.xml has no <allocations> root element/],
    ['unknown mode', '<allocations><pool name="etl"><schedulingMode>ROUND</schedulingMode></pool></allocations>', /fair\.xml: pool "etl" field schedulingMode is 'ROUND'; use FIFO or FAIR/],
    ['bad weight', '<allocations><pool name="etl"><weight>heavy</weight></pool></allocations>', /fair\.xml: pool "etl" field weight is 'heavy'; it must be a positive integer \(default 1\)/],
    ['zero weight', '<allocations><pool name="etl"><weight>0</weight></pool></allocations>', /pool "etl" field weight is '0'/],
    ['negative minShare', '<allocations><pool name="etl"><minShare>-1</minShare></pool></allocations>', /pool "etl" field minShare is '-1'; it must be a non-negative integer \(default 0\)/],
    ['no name', '<allocations><pool><weight>1</weight></pool></allocations>', /fair\.xml: pool #1 has no name attribute/],
    ['duplicate', '<allocations><pool name="a"/><pool name="a"/></allocations>', /pool "a" is defined twice/],
  ];
  for (const [what, xml, message] of bad) {
    it(`rejects ${what} with an error naming the file, pool and field`, async () => {
      let error: unknown;
      await parsePoolAllocations(xml, 'fair.xml').catch((e) => (error = e));
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as Error).message).to.match(message);
    });
  }

  it('names the key and the file when the file cannot be read', async () => {
    const conf = new KindlingConf({ 'kindling.scheduler.allocation.file': '/nonexistent/fairscheduler.xml' });
    const error = await loadPoolAllocations(conf).catch((e: unknown) => e as Error);
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as Error).message).to.match(/^Cannot read kindling.scheduler.allocation.file \/nonexistent\/fairscheduler.xml: ENOENT/);
    expect(await loadPoolAllocations(new KindlingConf({}))).to.deep.equal([]);
  });

  it('rejects an unknown kindling.scheduler.mode', () => {
    expect(() => schedulingModeOf(new KindlingConf({ 'kindling.scheduler.mode': 'LIFO' }))).to.throw(ConfigError, /Unsupported kindling.scheduler.mode 'LIFO': use FIFO \(the default\) or FAIR/);
    expect(schedulingModeOf(new KindlingConf({ 'kindling.scheduler.mode': 'fair' }))).to.equal('FAIR');
  });
});
