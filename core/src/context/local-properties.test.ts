import { expect } from 'chai';
import { IllegalArgumentError, JobCancelledError } from '../errors.js';
import { currentActionSignal, withActionOptions } from './action-options.js';
import { LocalProperties } from './local-properties.js';

const later = () => new Promise<void>((resolve) => setTimeout(resolve, 5));

describe('LocalProperties (async-context local properties)', () => {
  it('concurrent async flows keep their own values across awaits', async () => {
    const props = new LocalProperties();
    const seen: string[] = [];
    const flow = (pool: string) =>
      props.run({}, async () => {
        props.set('kindling.scheduler.pool', pool);
        await later();
        seen.push(`${pool}:${props.get('kindling.scheduler.pool')}`);
        await later();
        seen.push(`${pool}:${props.get('kindling.scheduler.pool')}`);
      });
    await Promise.all([flow('a'), flow('b')]);
    expect(seen.sort()).to.deep.equal(['a:a', 'a:a', 'b:b', 'b:b']);
    expect(props.get('kindling.scheduler.pool')).to.equal(undefined);
  });

  it('a flow inherits what was set before it started, and its changes do not flow back', async () => {
    const props = new LocalProperties();
    await props.run({ 'kindling.jobGroup.id': 'outer' }, async () => {
      const child = props.run({}, async () => {
        expect(props.get('kindling.jobGroup.id')).to.equal('outer');
        props.set('kindling.jobGroup.id', 'inner');
        await later();
        return props.get('kindling.jobGroup.id');
      });
      expect(await child).to.equal('inner');
      expect(props.get('kindling.jobGroup.id')).to.equal('outer');
      props.set('kindling.jobGroup.id', null);
      expect(props.snapshot()).to.deep.equal({});
    });
  });

  it('rejects non-string values', () => {
    const props = new LocalProperties();
    expect(() => props.set('k', 3 as unknown as string)).to.throw(IllegalArgumentError, /must be a string/);
  });
});

describe('action options', () => {
  it('carries the signal to the jobs an action starts, combined with an outer action\'s', async () => {
    const outer = new AbortController();
    const inner = new AbortController();
    await withActionOptions({ signal: outer.signal }, async () => {
      await later();
      expect(currentActionSignal()).to.equal(outer.signal);
      await withActionOptions({ signal: inner.signal }, async () => {
        const combined = currentActionSignal()!;
        expect(combined.aborted).to.equal(false);
        outer.abort('stop');
        expect(combined.aborted).to.equal(true);
      });
    });
    expect(currentActionSignal()).to.equal(undefined);
  });

  it('rejects an aborted signal before running, and bad options', async () => {
    let ran = false;
    const err = await withActionOptions({ signal: AbortSignal.abort('no') }, async () => {
      ran = true;
    }).catch((e: unknown) => e);
    expect(ran).to.equal(false);
    expect(err).to.be.instanceOf(JobCancelledError);
    expect((err as Error).message).to.equal('Action cancelled before it started by its AbortSignal: no');
    const bad = await withActionOptions({ signal: {} as AbortSignal }, async () => undefined).catch((e: unknown) => e);
    expect((bad as Error).message).to.match(/signal must be an AbortSignal/);
  });
});
