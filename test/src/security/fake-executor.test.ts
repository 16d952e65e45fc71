import { expect } from 'chai';
import { KindlingContext } from '@kindling/core';
import { executorProcesses } from '../helpers/executor-processes.js';
import { connectAsExecutor, registerFake, settle } from './fake-executor.test-helper.js';

/**
 * Secure by default: a local-cluster app with no security configuration generates a secret for
 * its own executors, so a process that poses as an executor gets nothing: no config (with its
 * password), no stage plans, no say in results.
 */
describe('a fake executor against a default local-cluster app', function () {
  this.timeout(90_000);
  let kc: KindlingContext;
  let driverUrl: string;

  before(async () => {
    kc = await KindlingContext.create({
      master: 'local-cluster[1,1,256]',
      conf: { 'kindling.app.dbPassword': 'hunter2' },
    });
    driverUrl = executorProcesses()[0]!.driverUrl;
  });
  after(async () => {
    await kc.stop();
  });

  it('is refused without a secret and with a wrong one, and learns nothing of the app config', async () => {
    const none = await settle(connectAsExecutor(driverUrl));
    expect(none.ok).to.equal(false);
    expect((none as { error: Error }).error.message).to.match(/requires authentication/);
    const wrong = await settle(connectAsExecutor(driverUrl, 'guess'));
    expect(wrong.ok).to.equal(false);
    expect((wrong as { error: Error }).error.message).to.match(/Authentication failed/);
    expect(kc.conf.get('kindling.authenticate')).to.equal('true');
  });

  it('never sees the generated secret on any executor command line', () => {
    for (const p of executorProcesses()) {
      expect(p.args.join(' ')).to.not.match(/KINDLING_AUTH_SECRET|authenticate\.secret/);
    }
    expect(kc.conf.toRecord()).to.not.have.property('kindling.authenticate.secret');
  });

  it('keeps results correct while fake executors hammer the port', async () => {
    const attempts = Array.from({ length: 20 }, () => settle(connectAsExecutor(driverUrl, 'x')));
    const words = ['a', 'b', 'a', 'c', 'a'];
    const counts = await kc
      .parallelize(words, 3)
      .map((w) => [w, 1] as [string, number])
      .reduceByKey((a, b) => a + b)
      .collect();
    expect(counts.sort()).to.deep.equal([['a', 3], ['b', 1], ['c', 1]]);
    expect((await Promise.all(attempts)).every((a) => !a.ok)).to.equal(true);
    expect(kc.executorInfos().map((e) => e.executorId)).to.deep.equal(['0']);
  });
});

describe('with kindling.authenticate=false', function () {
  this.timeout(90_000);

  it('warns once at start-up with the risk and the fix, and an unregistered peer cannot forge results', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    const kc = await KindlingContext.create({ master: 'local-cluster[1,1,256]', conf: { 'kindling.authenticate': 'false' } });
    try {
      await new Promise((r) => setImmediate(r));
      const security = warnings.filter((w) => w.startsWith('KindlingSecurityWarning'));
      expect(security).to.have.length(1);
      expect(security[0]).to.contain('Authentication is off');
      expect(security[0]).to.contain('forge task results');
      expect(security[0]).to.contain('remove kindling.authenticate=false');
      const driverUrl = executorProcesses()[0]!.driverUrl;
      // Without registering, its status updates are ignored: it is not the executor a task runs on.
      const rogue = await connectAsExecutor(driverUrl);
      for (let taskId = 0; taskId < 50; taskId++) rogue.send('statusUpdate', { executorId: '0', taskId, state: 'FINISHED' }, new Uint8Array([1, 2, 3]));
      expect(await kc.parallelize([1, 2, 3, 4], 2).map((x) => x * 10).collect()).to.deep.equal([10, 20, 30, 40]);
      await rogue.whenClosed; // the driver dropped it for speaking for another executor
      // Stage plans and broadcasts are for registered executors only.
      const prober = await connectAsExecutor(driverUrl);
      const config = await prober.ask('retrieveAppConfig', { executorId: 'probe' });
      expect(config.payload['entries']).to.have.property('kindling.authenticate', 'false');
      const plan = await settle(prober.ask('fetchTaskBinary', { binaryId: 0 }));
      expect(plan.ok).to.equal(false);
      expect((plan as { error: Error }).error.message).to.match(/closed by the peer|was closed/);
      // A registered fake is the documented risk of turning authentication off; a registered one may take tasks.
      const registered = await connectAsExecutor(driverUrl);
      await registerFake(registered, 'fake');
      expect(kc.executorInfos().map((e) => e.executorId).sort()).to.deep.equal(['0', 'fake']);
      registered.close();
    } finally {
      process.off('warning', onWarning);
      await kc.stop();
    }
  });
});
