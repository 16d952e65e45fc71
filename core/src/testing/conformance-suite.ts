import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KindlingContext } from '../context/kindling-context.js';
import type { TaskEvent } from '../listener/kindling-listener.js';

/**
 * What an adapter supplies to run the conformance kit against its cluster manager.
 * The kit is a mocha suite: call `conformanceSuite(fixture)` at the top level of a test file.
 */
export interface ConformanceFixture {
  /** Used in test titles. */
  name: string;
  masterUrl: string;
  conf?: Record<string, string>;
  /** Executors the master URL starts with. */
  expectedExecutors: number;
  /** Start the cluster (daemons, simulators) before the suite; stop it after. */
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
  /** Kill an executor's process from outside, as kill -9 would. Omit if executors are not processes. */
  killExecutorProcess?(executorId: string): Promise<void>;
  /** Process ids of the app's executors (to check that stop() ends them). Omit if executors are not processes. */
  executorPids?(): Promise<number[]>;
  /** Whether requestTotalExecutors/killExecutors are supported; if not, both must answer false. */
  supportsExecutorRequests: boolean;
  /** Per-test timeout; process-based clusters need more than the default. */
  timeoutMs?: number;
}

/** Registers the kit's tests with mocha. */
export function conformanceSuite(fixture: ConformanceFixture): void {
  describe(`cluster manager conformance: ${fixture.name} (${fixture.masterUrl})`, function () {
    this.timeout(fixture.timeoutMs ?? 120_000);
    let localRoot: string;

    before(async () => {
      await fixture.setup?.();
    });
    after(async () => {
      await fixture.teardown?.();
    });
    beforeEach(() => {
      localRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-conformance-'));
    });
    afterEach(() => {
      fs.rmSync(localRoot, { recursive: true, force: true });
    });

    const create = () =>
      KindlingContext.create({
        master: fixture.masterUrl,
        appName: `conformance-${fixture.name}`,
        conf: { 'kindling.local.dir': localRoot, ...(fixture.conf ?? {}) },
      });

    it('registers its executors', async () => {
      const kc = await create();
      try {
        await waitFor(() => kc.executorInfos().length >= fixture.expectedExecutors, 30_000, 'executors to register');
        assert.equal(kc.executorInfos().length, fixture.expectedExecutors);
        for (const e of kc.executorInfos()) assert.ok(e.cores > 0, `executor ${e.executorId} reports cores`);
      } finally {
        await kc.stop();
      }
    });

    it('runs a multi-stage job with a shuffle, a cache and a join correctly, and reuses shuffle output', async () => {
      const kc = await create();
      try {
        const data = Array.from({ length: 2000 }, (_, i) => i);
        const pairs = kc.parallelize(data, 6).map((x) => [x % 37, x] as [number, number]);
        const computed = kc.accumulator(0);
        const sums = pairs
          .reduceByKey((a, b) => a + b, 4)
          .mapValues(
            (v, env) => {
              env.computed.add(1);
              return v;
            },
            { computed },
          )
          .cache();
        const names = kc.parallelize(Array.from({ length: 37 }, (_, k) => [k, `k${k}`] as [number, string]), 3);
        const joined = await sums.join(names).collect();
        const expected = new Map<number, number>();
        for (const x of data) expected.set(x % 37, (expected.get(x % 37) ?? 0) + x);
        assert.equal(joined.length, 37);
        for (const [k, [sum, name]] of joined) {
          assert.equal(sum, expected.get(k));
          assert.equal(name, `k${k}`);
        }
        // A second job over the same (uncached) shuffle runs no map tasks for it.
        const shuffled = pairs.reduceByKey((a, b) => a + b, 4);
        assert.equal(await shuffled.count(), 37);
        const tasks: TaskEvent[] = [];
        kc.addListener({ onTaskEnd: (t) => tasks.push(t) });
        assert.equal((await shuffled.collect()).length, 37);
        assert.equal(tasks.length, 4, 'only the 4 reduce tasks ran');
        assert.equal(new Set(tasks.map((t) => t.stageId)).size, 1);
        // The cached RDD is read, not recomputed, and its tasks run where the blocks are.
        tasks.length = 0;
        assert.equal(computed.value, 37);
        assert.equal((await sums.mapValues((v) => v * 2).collect()).length, 37);
        assert.equal(computed.value, 37, 'cached partitions were not recomputed');
        assert.equal(new Set(tasks.map((t) => t.stageId)).size, 1);
        assert.ok(tasks.every((t) => t.locality === 'PROCESS_LOCAL'), 'tasks over cached blocks run PROCESS_LOCAL');
      } finally {
        await kc.stop();
      }
    });

    it('survives the loss of an executor process', async function () {
      if (!fixture.killExecutorProcess) this.skip();
      const kc = await create();
      try {
        await waitFor(() => kc.executorInfos().length >= fixture.expectedExecutors, 30_000, 'executors to register');
        const victim = kc.executorInfos()[0]!.executorId;
        let killed = false;
        kc.addListener({
          onTaskStart: (t) => {
            if (!killed && t.executorId === victim) {
              killed = true;
              void fixture.killExecutorProcess!(victim);
            }
          },
        });
        const result = await kc
          .parallelize(Array.from({ length: 400 }, (_, i) => i), 8)
          .map((x) => {
            const until = Date.now() + 20;
            while (Date.now() < until);
            return [x % 10, 1] as [number, number];
          })
          .reduceByKey((a, b) => a + b)
          .collect();
        assert.ok(killed, 'an executor was killed during the job');
        assert.deepEqual(
          result.sort((a, b) => a[0] - b[0]),
          Array.from({ length: 10 }, (_, k) => [k, 40]),
        );
      } finally {
        await kc.stop();
      }
    });

    it('honours requestTotalExecutors and killExecutors', async () => {
      const kc = await create();
      try {
        await waitFor(() => kc.executorInfos().length >= fixture.expectedExecutors, 30_000, 'executors to register');
        const victim = kc.executorInfos()[0]!.executorId;
        const killed = await kc.killExecutors([victim]);
        if (!fixture.supportsExecutorRequests) {
          assert.equal(killed, false, 'a manager without executor requests answers false');
          assert.equal(await kc.requestTotalExecutors(fixture.expectedExecutors + 1), false);
          return;
        }
        assert.equal(killed, true);
        await waitFor(() => !kc.executorInfos().some((e) => e.executorId === victim), 30_000, `executor ${victim} to go`);
        assert.equal(await kc.requestTotalExecutors(fixture.expectedExecutors), true);
        await waitFor(() => kc.executorInfos().length >= fixture.expectedExecutors, 30_000, 'a replacement executor');
        assert.equal(await kc.parallelize([1, 2, 3, 4], 2).count(), 4);
      } finally {
        await kc.stop();
      }
    });

    it('leaves no process, port or temporary directory behind after stop()', async () => {
      const serversBefore = countHandles('TCPServerWrap');
      const kc = await create();
      await kc.parallelize([1, 2, 3], 3).map((x) => [x, x] as [number, number]).reduceByKey((a, b) => a + b).count();
      const pids = (await fixture.executorPids?.()) ?? [];
      await kc.stop();
      for (const pid of pids) assert.equal(isAlive(pid), false, `executor process ${pid} still runs`);
      await waitFor(() => countHandles('TCPServerWrap') <= serversBefore, 5000, 'listening sockets to close');
      assert.deepEqual(fs.readdirSync(localRoot), [], 'kindling.local.dir is empty');
    });
  });
}

async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function countHandles(kind: string): number {
  return process.getActiveResourcesInfo().filter((r) => r === kind).length;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
