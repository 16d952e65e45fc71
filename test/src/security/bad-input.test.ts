import { expect } from 'chai';
import { ConfigError, IllegalArgumentError, JobFailedError, KindlingContext, MasterUrlError } from '@kindling/core';
import { rejection } from '../helpers/assertions.js';
import { useContext } from '../helpers/context.js';
import { ListenerRecorder } from '../helpers/listener-recorder.js';

/** Each bad input gets an error that names the problem, the key or value, and the fix. */
describe('bad input', function () {
  this.timeout(60_000);
  let savedMaster: string | undefined;
  before(() => {
    savedMaster = process.env['KINDLING_MASTER'];
    delete process.env['KINDLING_MASTER'];
  });
  after(() => {
    if (savedMaster !== undefined) process.env['KINDLING_MASTER'] = savedMaster;
  });

  describe('master URLs', () => {
    it('local[99999999999999999999] names the value and the limit, not "Invalid array length"', async () => {
      const err = await rejection(KindlingContext.create({ master: 'local[99999999999999999999]' }));
      expect(err).to.be.instanceOf(MasterUrlError);
      expect(err.message).to.contain('99999999999999999999 threads');
      expect(err.message).to.match(/at most 4096 task threads/);
      expect(err.message).to.contain('local[*]');
    });

    it('local-cluster with absurd counts names the limits', async () => {
      const err = await rejection(KindlingContext.create({ master: 'local-cluster[100000,1,256]' }));
      expect(err).to.be.instanceOf(MasterUrlError);
      expect(err.message).to.match(/at most 256 executors \(N\)/);
    });

    for (const [url, pkg] of [
      ['yarn', '@kindling/cluster-manager-yarn'],
      ['spark://h:7077', '@kindling/cluster-manager-standalone'],
      ['mesos://127.0.0.1:1', '@kindling/cluster-manager-mesos'],
    ] as const) {
      it(`'${url}' with no adapter installed names the package to install`, async function () {
        // Where the adapter is installed it tries the cluster; keep that short (Mesos retries its SUBSCRIBE).
        const err = await rejection(KindlingContext.create({ master: url, conf: { 'kindling.mesos.callTimeout': '2s' } }));
        if (!/not installed/.test(err.message)) this.skip(); // that adapter is installed in this checkout
        expect(err).to.be.instanceOf(MasterUrlError);
        expect(err.message).to.contain(`Master URL '${url}'`);
        expect(err.message).to.contain(`npm install ${pkg}`);
        expect(err.message).to.not.contain('Could not parse');
      });
    }
  });

  describe('configuration', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ 'kindling.executor.memory': 'lots' }, /^kindling\.executor\.memory: 'lots' is not a size/],
      [{ 'kindling.task.maxFailures': '-1' }, /^kindling\.task\.maxFailures must be >= 1, got '-1'/],
      [{ 'kindling.task.maxFailures': 'four' }, /^kindling\.task\.maxFailures must be an integer >= 1, got 'four'/],
      [{ 'kindling.task.cpus': '0' }, /^kindling\.task\.cpus must be >= 1/],
      [{ 'kindling.network.timeout': 'soon' }, /^kindling\.network\.timeout: 'soon' is not a duration/],
      [{ 'kindling.rpc.message.maxSize': '4096' }, /^kindling\.rpc\.message\.maxSize must be between 1 and 2047/],
      [{ 'kindling.memory.fraction': '1.5' }, /^kindling\.memory\.fraction must be between 0 and 1/],
      [{ 'kindling.driver.maxResultSize': '-1g' }, /^kindling\.driver\.maxResultSize: '-1g' is not a size/],
      [{ 'kindling.authenticate': 'yes' }, /^kindling\.authenticate must be true or false, got 'yes'/],
      [
        { 'kindling.executor.heartbeatInterval': '200s', 'kindling.network.timeout': '120s' },
        /kindling\.network\.timeout \(120000 ms\) must be greater than kindling\.executor\.heartbeatInterval/,
      ],
    ];
    for (const [conf, expected] of cases) {
      it(`${Object.entries(conf).map(([k, v]) => `${k}=${v}`).join(', ')} is refused naming the key`, async () => {
        const err = await rejection(KindlingContext.create({ master: 'local[1]', conf }));
        expect(err).to.be.instanceOf(ConfigError);
        expect(err.message).to.match(expected);
      });
    }

    it('kindling.executor.memory=lots on local-cluster names the key too', async () => {
      const err = await rejection(KindlingContext.create({ master: 'local-cluster[1,1,256]', conf: { 'kindling.executor.memory': 'lots' } }));
      expect(err.message).to.match(/^kindling\.executor\.memory: 'lots' is not a size/);
    });
  });

  describe('on a running context', () => {
    const fixture = useContext({ master: 'local[2]' });

    it('parallelize(data, 1e9) is refused up front with the limit and why', () => {
      const before = process.memoryUsage().heapUsed;
      let err: Error | undefined;
      try {
        fixture.kc.parallelize([1, 2, 3], 1e9);
      } catch (e) {
        err = e as Error;
      }
      expect(err).to.be.instanceOf(IllegalArgumentError);
      expect(err!.message).to.contain('numSlices 1000000000 exceeds the limit of 100000');
      expect(err!.message).to.contain('task the driver plans and tracks');
      expect(process.memoryUsage().heapUsed - before).to.be.below(50 * 2 ** 20);
      expect(() => fixture.kc.range(0, 10, 1, 1e9)).to.throw(IllegalArgumentError, /range\(\): numSlices 1000000000/);
      expect(() => fixture.kc.parallelize([1], 0)).to.throw(IllegalArgumentError, /positive integer, got 0/);
    });

    for (const [what, make, expected] of [
      ['a function', () => () => 42, /result\[0\] is a function \(\(\) => 42\)/],
      ['a Symbol', () => Symbol('tag'), /result\[0\] is a Symbol \(Symbol\(tag\)\)/],
    ] as const) {
      it(`a task that returns ${what} says which action, what can travel, the fix; and is not retried`, async () => {
        const recorder = new ListenerRecorder();
        fixture.kc.addListener(recorder);
        try {
          const err = await rejection(fixture.kc.parallelize([1], 1).map(make as () => unknown).collect());
          expect(err).to.be.instanceOf(JobFailedError);
          expect(err.message).to.match(/The result of collect at .*bad-input\.test\.[jt]s:\d+/);
          expect(err.message).to.match(expected);
          expect(err.message).to.contain('Results travel by structured clone');
          expect(err.message).to.contain('Fix: return plain data');
          expect(err.message).to.contain('not retried');
          expect(recorder.rec.tasksStarted).to.have.length(1, 'one attempt: the failure is deterministic');
        } finally {
          fixture.kc.removeListener(recorder);
        }
      });
    }
  });

  it('on local-cluster, a returned function fails the job at once as well', async () => {
    const kc = await KindlingContext.create({ master: 'local-cluster[1,1,256]' });
    const recorder = new ListenerRecorder();
    kc.addListener(recorder);
    try {
      const err = await rejection(kc.parallelize([1, 2], 2).map((x) => (x > 1 ? () => x : x)).collect());
      expect(err.message).to.match(/result\[0\] is a function/);
      expect(recorder.rec.tasksEnded.filter((t) => !t.successful)).to.have.length(1);
    } finally {
      await kc.stop();
    }
  });
});
