import { expect } from 'chai';
import { KindlingContext } from '@kindling/core';
import { executorProcesses, executorSecret } from '../helpers/executor-processes.js';
import { ListenerRecorder } from '../helpers/listener-recorder.js';
import { connectAsExecutor, registerFake } from './fake-executor.test-helper.js';

/**
 * An executor (here: one that knows the app's secret, so it passes authentication) sends a
 * FINISHED status update whose body does not decode. The task fails with the decode error as
 * its reason and is retried; the job's result is right.
 */
describe('a corrupt task result', function () {
  this.timeout(90_000);

  it('fails the task with the decode error, and the retry succeeds', async () => {
    const kc = await KindlingContext.create({ master: 'local-cluster[1,1,256]', conf: { 'kindling.locality.wait': '0' } });
    const recorder = new ListenerRecorder();
    kc.addListener(recorder);
    try {
      const real = executorProcesses()[0]!;
      const fake = await connectAsExecutor(real.driverUrl, executorSecret(real.pid));
      let corrupted = 0;
      fake.onMessage((msg) => {
        if (msg.type !== 'launchTask') return;
        const taskId = Number(msg.payload['taskId']);
        fake.send('statusUpdate', { executorId: 'fake', taskId, state: 'FINISHED' }, Buffer.from('not a v8 value'));
        corrupted++;
        fake.close(); // one corrupt result, then go away: the retry runs on the real executor
      });
      await registerFake(fake, 'fake');
      const sum = await kc
        .parallelize(Array.from({ length: 40 }, (_, i) => i), 4)
        .map((x) => x * 2)
        .reduce((a, b) => a + b);
      expect(sum).to.equal(2 * (39 * 40) / 2);
      expect(corrupted).to.equal(1);
      const failed = recorder.rec.tasksEnded.filter((t) => !t.successful && t.endReason === 'exception');
      expect(failed).to.have.length(1);
      expect(failed[0]!.executorId).to.equal('fake');
      expect(failed[0]!.error?.message ?? '').to.match(/result of task \d+ from executor fake could not be decoded/);
      const retried = recorder.rec.tasksEnded.find((t) => t.successful && t.partition === failed[0]!.partition);
      expect(retried?.executorId).to.equal('0');
    } finally {
      await kc.stop();
    }
  });
});
