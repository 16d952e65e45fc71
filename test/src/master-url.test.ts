import { expect } from 'chai';
import * as os from 'node:os';
import { fileURLToPath } from 'node:url';
import { KindlingContext, KindlingError, MasterUrlError } from '@kindling/core';
import { withContext } from './helpers/context.js';
import { rejection } from './helpers/assertions.js';
import { recordFailure } from './helpers/listener-recorder.js';
import { FakeClusterManager } from './fixtures/fake-cluster-manager.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe('master URLs', function () {
  let savedMaster: string | undefined;
  beforeEach(function () {
    savedMaster = process.env['KINDLING_MASTER'];
    delete process.env['KINDLING_MASTER'];
  });
  afterEach(function () {
    if (savedMaster === undefined) delete process.env['KINDLING_MASTER'];
    else process.env['KINDLING_MASTER'] = savedMaster;
  });

  it('local[0] is rejected: "Asked to run locally with 0 threads"', async function () {
    const err = await rejection(KindlingContext.create({ master: 'local[0]' }));
    expect(err).to.be.instanceOf(MasterUrlError);
    expect(err.message).to.equal('Asked to run locally with 0 threads');
  });

  for (const url of ['foo://bar', 'localhost:1234', 'local[abc]', 'local[2', 'local[-1]', 'spark-master:7077', '']) {
    it(`'${url}' is rejected: "Could not parse master URL: '${url}'"`, async function () {
      const err = await rejection(KindlingContext.create({ master: url }));
      expect(KindlingError.isKind(err, 'MasterUrlError')).to.equal(true);
      expect(err.message).to.equal(`Could not parse master URL: '${url}'`);
    });
  }

  const valid: Array<[string, () => number]> = [
    ['local', () => 1],
    ['local[1]', () => 1],
    ['local[3]', () => 3],
    ['local[*]', () => os.availableParallelism()],
    ['local[2,5]', () => 2],
    ['local[4, 2]', () => 4],
  ];
  for (const [url, parallelism] of valid) {
    it(`${url} creates a context with defaultParallelism ${parallelism()}`, async function () {
      await withContext({ master: url }, async (kc) => {
        expect(kc.master).to.equal(url);
        expect(kc.defaultParallelism).to.equal(parallelism());
        const rdd = kc.parallelize([1, 2, 3, 4, 5, 6, 7]);
        expect(rdd.getNumPartitions()).to.equal(parallelism());
        expect(await rdd.map((x) => x * x).reduce((a, b) => a + b)).to.equal(140);
      });
    });
  }

  it('local[N,F] retries a failing task F times; local tries once', async function () {
    for (const [url, attempts] of [
      ['local[2,5]', 5],
      ['local[2]', 1],
      ['local', 1],
    ] as const) {
      await withContext({ master: url }, async (kc) => {
        const { rec } = await recordFailure(kc, () =>
          kc
            .parallelize([1, 2, 3], 1)
            .map(() => {
              throw new Error('always fails');
            })
            .collect(),
        );
        expect(rec.tasksEnded.map((t) => t.attempt), url).to.deep.equal(Array.from({ length: attempts }, (_, i) => i));
      });
    }
  });

  it('falls back to KINDLING_MASTER when no master is given', async function () {
    process.env['KINDLING_MASTER'] = 'local[3]';
    await withContext({}, async (kc) => {
      expect(kc.master).to.equal('local[3]');
      expect(kc.defaultParallelism).to.equal(3);
    });
    // An explicit master wins over the environment.
    await withContext({ master: 'local[1]' }, async (kc) => {
      expect(kc.master).to.equal('local[1]');
      expect(kc.defaultParallelism).to.equal(1);
    });
    process.env['KINDLING_MASTER'] = 'nope://x';
    const err = await rejection(KindlingContext.create({}));
    expect(err.message).to.equal("Could not parse master URL: 'nope://x'");
  });

  it('kindling.default.parallelism overrides the thread count', async function () {
    await withContext({ master: 'local[2]', conf: { 'kindling.default.parallelism': 5 } }, async (kc) => {
      expect(kc.defaultParallelism).to.equal(5);
      expect(kc.parallelize([1, 2, 3]).getNumPartitions()).to.equal(5);
    });
  });

  it('two managers accepting the same URL is an error naming both', async function () {
    const err = await rejection(
      KindlingContext.create({ master: 'local[2]', conf: { 'kindling.clusterManagers': fixture('duplicate-local-manager.js') } }),
    );
    expect(err).to.be.instanceOf(MasterUrlError);
    expect(err.message).to.match(/^Multiple cluster managers registered for the url local\[2\]: /);
    expect(err.message).to.include('local');
    expect(err.message).to.include('greedy-local');
  });

  it('an extra manager from kindling.clusterManagers serves its own URL scheme', async function () {
    const before = FakeClusterManager.created.length;
    await withContext(
      { master: 'fake://3', conf: { 'kindling.clusterManagers': fixture('fake-cluster-manager.js') } },
      async (kc) => {
        expect(FakeClusterManager.created.slice(before)).to.deep.equal(['fake://3']);
        expect(kc.master).to.equal('fake://3');
        expect(kc.defaultParallelism).to.equal(3);
        const pairs = Array.from({ length: 50 }, (_, i) => [i % 7, i] as [number, number]);
        const sums = new Map<number, number>();
        for (const [k, v] of pairs) sums.set(k, (sums.get(k) ?? 0) + v);
        const got = await kc.parallelize(pairs).reduceByKey((a, b) => a + b).collect();
        expect(new Map(got.sort((a, b) => a[0] - b[0]))).to.deep.equal(new Map([...sums].sort((a, b) => a[0] - b[0])));
        // The manager's scheduler options apply: 2 attempts per task.
        const { rec } = await recordFailure(kc, () =>
          kc
            .parallelize([1], 1)
            .map(() => {
              throw new Error('no');
            })
            .count(),
        );
        expect(rec.tasksEnded).to.have.length(2);
      },
    );
    // Local URLs still go to the local adapter when the extra manager is loaded.
    await withContext({ master: 'local[2]', conf: { 'kindling.clusterManagers': fixture('fake-cluster-manager.js') } }, async (kc) => {
      expect(kc.defaultParallelism).to.equal(2);
    });
    expect(FakeClusterManager.created.length).to.equal(before + 1);
  });

  it('a kindling.clusterManagers entry that cannot be loaded is reported', async function () {
    const err = await rejection(
      KindlingContext.create({ master: 'local[2]', conf: { 'kindling.clusterManagers': fixture('does-not-exist.js') } }),
    );
    expect(err.message).to.include('Could not load cluster manager module');
    expect(err.message).to.include('does-not-exist.js');
  });
});
