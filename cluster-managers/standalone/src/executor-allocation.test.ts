import { expect } from 'chai';
import { executorsForAssignment, scheduleExecutorsOnWorkers, type AllocationApp, type AllocationWorker } from './executor-allocation.js';

const w = (coresFree: number, memoryFreeMib = 10_240): AllocationWorker => ({ coresFree, memoryFreeMib });
const app = (o: Partial<AllocationApp>): AllocationApp => ({
  coresLeft: Number.MAX_SAFE_INTEGER,
  coresPerExecutor: undefined,
  memoryPerExecutorMib: 1024,
  executorCount: 0,
  executorLimit: Number.MAX_SAFE_INTEGER,
  ...o,
});

describe('standalone/executor allocation (Spark scheduleExecutorsOnWorkers)', () => {
  // Cases mirror Spark's MasterSuite "scheduling" tests plus the memory and limit edges.
  const cases: Array<{ name: string; app: AllocationApp; workers: AllocationWorker[]; spreadOut: boolean; expected: number[] }> = [
    { name: 'all cores, spread out', app: app({}), workers: [w(10), w(10), w(10)], spreadOut: true, expected: [10, 10, 10] },
    { name: 'all cores, consolidated', app: app({}), workers: [w(10), w(10), w(10)], spreadOut: false, expected: [10, 10, 10] },
    { name: 'cores.max 8, spread out', app: app({ coresLeft: 8 }), workers: [w(10), w(10), w(10)], spreadOut: true, expected: [3, 3, 2] },
    { name: 'cores.max 8, consolidated', app: app({ coresLeft: 8 }), workers: [w(10), w(10), w(10)], spreadOut: false, expected: [8, 0, 0] },
    {
      name: 'executor.cores 2, cores.max 10, spread out',
      app: app({ coresLeft: 10, coresPerExecutor: 2 }),
      workers: [w(10), w(10), w(10)],
      spreadOut: true,
      expected: [4, 4, 2],
    },
    {
      name: 'executor.cores 2, cores.max 10, consolidated',
      app: app({ coresLeft: 10, coresPerExecutor: 2 }),
      workers: [w(10), w(10), w(10)],
      spreadOut: false,
      expected: [10, 0, 0],
    },
    {
      name: 'executor.cores 3 never leaves a fragment (SPARK-8881)',
      app: app({ coresLeft: 8, coresPerExecutor: 3 }),
      workers: [w(4), w(4)],
      spreadOut: true,
      expected: [3, 3],
    },
    {
      name: 'memory bounds the executors per worker',
      app: app({ coresPerExecutor: 1, memoryPerExecutorMib: 1024 }),
      workers: [w(8, 2048), w(8, 1024)],
      spreadOut: true,
      expected: [2, 1],
    },
    {
      name: 'a worker without memory for one executor gets nothing',
      app: app({ memoryPerExecutorMib: 2048 }),
      workers: [w(4, 1024), w(4, 4096)],
      spreadOut: true,
      expected: [0, 4],
    },
    {
      name: 'executor limit (dynamic allocation target) counts existing executors',
      app: app({ coresPerExecutor: 1, executorCount: 1, executorLimit: 3 }),
      workers: [w(4), w(4)],
      spreadOut: true,
      expected: [1, 1],
    },
    { name: 'limit reached: nothing', app: app({ executorCount: 2, executorLimit: 2 }), workers: [w(4)], spreadOut: true, expected: [0] },
    { name: 'no free cores', app: app({}), workers: [w(0), w(0)], spreadOut: true, expected: [0, 0] },
    {
      name: 'two workers x two 1-core executors (the benchmark layout)',
      app: app({ coresPerExecutor: 1, memoryPerExecutorMib: 256 }),
      workers: [w(2, 1024), w(2, 1024)],
      spreadOut: true,
      expected: [2, 2],
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const assigned = scheduleExecutorsOnWorkers(c.app, c.workers, c.spreadOut);
      expect(assigned).to.deep.equal(c.expected);
      // Never overcommitted, never more than wanted.
      assigned.forEach((cores, i) => expect(cores).to.be.at.most(c.workers[i]!.coresFree));
      expect(assigned.reduce((s, n) => s + n, 0)).to.be.at.most(c.app.coresLeft);
    });
  }

  it('turns assigned cores into executors', () => {
    expect(executorsForAssignment(0, undefined)).to.deep.equal([]);
    expect(executorsForAssignment(5, undefined)).to.deep.equal([5]);
    expect(executorsForAssignment(4, 2)).to.deep.equal([2, 2]);
  });
});
