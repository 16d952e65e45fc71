import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { ConfigError, KindlingContext, POOL_PROPERTY, type StageEvent, type TaskEvent } from '@kindling/core';
import { sleepingIdentity } from './sleep-task.js';

/** Running tasks per pool, sampled at every task start while both pools still had work. */
function poolSampler(kc: KindlingContext) {
  const poolOfStage = new Map<number, string>();
  const running = new Map<string, number>();
  const samples: Array<Record<string, number>> = [];
  const starts: Array<{ pool: string; jobOrder: number }> = [];
  kc.addListener({
    onStageSubmitted: (e: StageEvent) => poolOfStage.set(e.stageId, e.pool),
    onTaskStart: (e: TaskEvent) => {
      const pool = poolOfStage.get(e.stageId)!;
      running.set(pool, (running.get(pool) ?? 0) + 1);
      starts.push({ pool, jobOrder: e.stageId });
      samples.push(Object.fromEntries(running));
    },
    onTaskEnd: (e: TaskEvent) => {
      const pool = poolOfStage.get(e.stageId)!;
      running.set(pool, running.get(pool)! - 1);
    },
  });
  return { samples, starts, poolOfStage };
}

function allocationFile(xml: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-fair-'));
  const file = path.join(dir, 'fairscheduler.xml');
  fs.writeFileSync(file, xml);
  return file;
}

/** The share of samples (after the first `skip`, before either job drained) equal to `expected`. */
function shareMatching(samples: Array<Record<string, number>>, expected: Record<string, number>, skip: number, take: number): number {
  const window = samples.slice(skip, skip + take);
  return window.filter((s) => Object.entries(expected).every(([k, v]) => (s[k] ?? 0) === v)).length / window.length;
}

describe('FAIR pools within an application (local[4])', function () {
  this.timeout(90_000);

  it('two concurrent jobs in pools of weight 1 and 3 run tasks in proportion 1:3, each async flow in its own pool', async () => {
    const file = allocationFile(`<allocations>
        <pool name="light"><schedulingMode>FIFO</schedulingMode><weight>1</weight></pool>
        <pool name="heavy"><schedulingMode>FIFO</schedulingMode><weight>3</weight></pool>
      </allocations>`);
    const kc = await KindlingContext.create({
      master: 'local[4]',
      conf: { 'kindling.scheduler.mode': 'FAIR', 'kindling.scheduler.allocation.file': file },
    });
    try {
      const { samples, poolOfStage } = poolSampler(kc);
      const data = Array.from({ length: 48 }, (_, i) => i);
      const run = async (pool: string) => {
        kc.setLocalProperty(POOL_PROPERTY, pool);
        return kc.parallelize(data, 48).map(sleepingIdentity, { ms: 60 }).count();
      };
      const [a, b] = await Promise.all([run('light'), run('heavy')]);
      expect([a, b]).to.deep.equal([48, 48]);
      expect(new Set(poolOfStage.values())).to.deep.equal(new Set(['light', 'heavy']));
      // While both have pending tasks (heavy drains after ~48 of its 64+16 starts), 1 light : 3 heavy.
      expect(shareMatching(samples, { light: 1, heavy: 3 }, 8, 40)).to.be.greaterThan(0.6);
    } finally {
      await kc.stop();
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  it('serves a pool below its minShare first', async () => {
    const file = allocationFile(`<allocations>
        <pool name="big"><weight>100</weight></pool>
        <pool name="guaranteed"><minShare>3</minShare></pool>
      </allocations>`);
    const kc = await KindlingContext.create({
      master: 'local[4]',
      conf: { 'kindling.scheduler.mode': 'FAIR', 'kindling.scheduler.allocation.file': file },
    });
    try {
      const { samples } = poolSampler(kc);
      const data = Array.from({ length: 40 }, (_, i) => i);
      const run = (pool: string) => kc.withLocalProperties({ [POOL_PROPERTY]: pool }, () => kc.parallelize(data, 40).map(sleepingIdentity, { ms: 60 }).count());
      await Promise.all([run('big'), run('guaranteed')]);
      // Weight 100 would take every slot; the minShare of 3 keeps 3 for "guaranteed".
      expect(shareMatching(samples, { big: 1, guaranteed: 3 }, 8, 30)).to.be.greaterThan(0.6);
      // withLocalProperties scopes the pool to its callback: this flow still has none.
      expect(kc.getLocalProperty(POOL_PROPERTY)).to.equal(undefined);
    } finally {
      await kc.stop();
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  it('FIFO: a later job never takes a slot an earlier job can use', async () => {
    const kc = await KindlingContext.create({ master: 'local[2]' });
    try {
      const starts: number[] = [];
      const stageJob = new Map<number, number>();
      kc.addListener({
        onJobStart: (e) => e.stageIds.forEach((s) => stageJob.set(s, e.jobId)),
        onTaskStart: (e) => starts.push(stageJob.get(e.stageId)!),
      });
      const data = Array.from({ length: 10 }, (_, i) => i);
      const first = kc.parallelize(data, 10).map(sleepingIdentity, { ms: 30 }).count();
      const second = kc.parallelize(data, 10).map(sleepingIdentity, { ms: 30 }).count();
      await Promise.all([first, second]);
      const [j0, j1] = [...new Set(starts)];
      expect(starts.lastIndexOf(j0!)).to.be.lessThan(starts.indexOf(j1!));
    } finally {
      await kc.stop();
    }
  });

  it('refuses a malformed allocation file when the context starts, naming the file, pool and field', async () => {
    const file = allocationFile('<allocations><pool name="etl"><schedulingMode>FAST</schedulingMode></pool></allocations>');
    try {
      const err = await KindlingContext.create({
        master: 'local[1]',
        conf: { 'kindling.scheduler.mode': 'FAIR', 'kindling.scheduler.allocation.file': file },
      }).then(
        async (kc) => {
          await kc.stop();
          return undefined;
        },
        (e: unknown) => e as Error,
      );
      expect(err).to.be.instanceOf(ConfigError);
      expect(err!.message).to.equal(`${file}: pool "etl" field schedulingMode is 'FAST'; use FIFO or FAIR`);
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });
});
