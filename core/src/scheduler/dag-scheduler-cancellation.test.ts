import { expect } from 'chai';
import { JobCancelledError } from '../errors.js';
import type { JobEndEvent, JobStartEvent, StageEvent } from '../listener/kindling-listener.js';
import { Accumulator } from '../shared/accumulator.js';
import { Harness, tick } from './dag-scheduler-harness.test-helper.js';
import { JOB_GROUP_PROPERTY } from './job-options.js';
import { POOL_PROPERTY } from './schedulable-builder.js';

describe('DAGScheduler job groups, signals and pools', () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness();
  });

  it('cancelJobGroup cancels only the jobs of that group, naming the group', async () => {
    const etl = h.run(h.parallelize(2), undefined, { properties: { [JOB_GROUP_PROPERTY]: 'etl' } });
    const other = h.run(h.parallelize(2), undefined, { properties: { [JOB_GROUP_PROPERTY]: 'adhoc' } });
    const none = h.run(h.parallelize(2));
    h.dag.cancelJobGroup('etl');
    await tick();
    expect(etl.state).to.equal('rejected');
    expect(etl.error).to.be.instanceOf(JobCancelledError);
    expect(etl.error!.message).to.equal('Job 0 cancelled as part of cancelled job group etl (by kc.cancelJobGroup)');
    expect([other.state, none.state]).to.deep.equal(['pending', 'pending']);
    // The cancelled job's running stage was cancelled in the task scheduler.
    expect(h.submitter.cancelled.map((c) => c.stageId)).to.deep.equal([0]);
    const ends = h.events.of<JobEndEvent>('jobEnd');
    expect(ends.map((e) => [e.jobId, e.result])).to.deep.equal([[0, 'cancelled']]);
  });

  it('an aborted signal rejects before the job starts; aborting later cancels the running job', async () => {
    const before = h.run(h.parallelize(1), undefined, { signal: AbortSignal.abort('too late') });
    await tick();
    expect(before.error!.message).to.equal('Job 0 cancelled before it started by its AbortSignal: too late');
    expect(h.ids()).to.deep.equal([]);

    const controller = new AbortController();
    const job = h.run(h.parallelize(2), undefined, { signal: controller.signal });
    expect(job.state).to.equal('pending');
    controller.abort(new Error('client went away'));
    await tick();
    expect(job.error).to.be.instanceOf(JobCancelledError);
    expect((job.error as JobCancelledError).cancelledBy).to.equal('signal');
    expect(job.error!.message).to.equal('Job 1 cancelled by its AbortSignal: client went away');
    expect(h.events.of<JobEndEvent>('jobEnd').map((e) => e.result)).to.deep.equal(['cancelled', 'cancelled']);
  });

  it('does not merge accumulator updates from a task that finishes after its job was cancelled', async () => {
    const acc = new Accumulator<number>(h.accumulators.newId(), 0, (a, b) => a + b, { operation: 'acc', source: '(a, b) => a + b', env: undefined, markers: [] });
    h.accumulators.register(acc);
    const job = h.run(h.parallelize(2));
    const [t0, t1] = h.submitter.find(0, 0).tasks;
    h.succeed(t0!, 'x', { accumulatorUpdates: [{ id: acc.id, value: 5 }] });
    h.dag.cancelJob(0, 'cancelJob', 'by kc.cancelJob()');
    await tick();
    expect(job.state).to.equal('rejected');
    h.succeed(t1!, 'y', { accumulatorUpdates: [{ id: acc.id, value: 7 }] });
    // The update of the task that finished before the cancel stays, as in Spark; the late one is dropped.
    expect(acc.value).to.equal(5);
  });

  it('stage events carry the pool of the job and job start carries its properties', async () => {
    const job = h.run(h.parallelize(1), undefined, { properties: { [POOL_PROPERTY]: 'reports' } });
    h.succeed(h.submitter.find(0, 0).tasks[0]!, 1);
    await job.promise;
    expect(h.events.of<StageEvent>('stageSubmitted').map((e) => e.pool)).to.deep.equal(['reports']);
    expect(h.events.of<StageEvent>('stageCompleted').map((e) => e.pool)).to.deep.equal(['reports']);
    expect(h.events.of<JobStartEvent>('jobStart')[0]!.properties).to.deep.equal({ [POOL_PROPERTY]: 'reports' });
    expect(h.submitter.find(0, 0).properties).to.deep.equal({ [POOL_PROPERTY]: 'reports' });
    expect(h.events.of<JobEndEvent>('jobEnd')[0]!.result).to.equal('succeeded');
  });
});
