import { expect } from 'chai';
import { KindlingConf } from '@kindling/core/cluster-manager';
import { mesosSettings, UNBOUNDED_EXECUTORS } from './mesos-config.js';
import type { Offer } from './mesos-types.js';
import { planOffers } from './offer-planner.js';

function offer(id: string, cpus: number, mem: number, attributes: Offer['attributes'] = []): Offer {
  return {
    id: { value: `o-${id}` },
    framework_id: { value: 'f' },
    agent_id: { value: `a-${id}` },
    hostname: `h-${id}`,
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: cpus }, role: '*' },
      { name: 'mem', type: 'SCALAR', scalar: { value: mem }, role: '*' },
    ],
    attributes,
  };
}

const settings = (conf: Record<string, string>) => mesosSettings(new KindlingConf(conf));
const none = { liveExecutors: 0, coresAcquired: 0, agentFailures: new Map<string, number>(), stopping: false };

describe('Offer planning (Spark coarse-grained policies)', () => {
  it('memory is kindling.executor.memory plus max(384 MB, 10%) overhead; Spark-like defaults', () => {
    const s = settings({});
    expect(s.executorMemoryMiB).to.equal(1024);
    expect(s.memoryOverheadMiB).to.equal(384);
    expect(settings({ 'kindling.executor.memory': '8g' }).memoryOverheadMiB).to.equal(820);
    expect(s.rejectOfferSeconds).to.equal(120);
    expect(s.initialExecutors).to.equal(UNBOUNDED_EXECUTORS);
    expect(settings({ 'kindling.executor.cores': '2', 'kindling.cores.max': '5' }).initialExecutors).to.equal(2);
  });

  it('packs fixed-size executors round-robin across offers up to kindling.cores.max, and declines the rest for rejectOfferDuration', () => {
    const s = settings({ 'kindling.executor.cores': '1', 'kindling.cores.max': '3', 'kindling.executor.memory': '512m' });
    const plan = planOffers([offer('1', 4, 8192), offer('2', 4, 8192), offer('3', 4, 8192)], s, { ...none, target: UNBOUNDED_EXECUTORS });
    expect(plan.launches.map((l) => [l.offer.id.value, l.executors.length])).to.deep.equal([
      ['o-1', 1],
      ['o-2', 1],
      ['o-3', 1],
    ]);
    const first = plan.launches[0]!.executors[0]!;
    expect(first.resources).to.deep.equal([
      { name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, role: '*' },
      { name: 'mem', type: 'SCALAR', scalar: { value: 896 }, role: '*' },
    ]);
    expect(plan.declines).to.deep.equal([]);
    const more = planOffers([offer('4', 4, 8192)], s, { ...none, liveExecutors: 3, coresAcquired: 3, target: UNBOUNDED_EXECUTORS });
    expect(more.declines.map((d) => [d.offer.id.value, d.refuseSeconds, d.why])).to.deep.equal([['o-4', 120, 'kindling.cores.max reached']]);
  });

  it('without kindling.executor.cores an executor takes the offer’s cpus (one per agent), bounded by cores.max', () => {
    const s = settings({ 'kindling.cores.max': '6' });
    const plan = planOffers([offer('1', 4, 8192), offer('2', 4, 8192)], s, { ...none, target: UNBOUNDED_EXECUTORS });
    expect(plan.launches.map((l) => l.executors.map((e) => e.cores))).to.deep.equal([[4], [2]]);
  });

  it('declines offers that miss the constraints (their own duration), from excluded agents, and too small ones with the default filter', () => {
    const s = settings({
      'kindling.executor.cores': '1',
      'kindling.mesos.constraints': 'zone:a',
      'kindling.mesos.rejectOfferDurationForUnmetConstraints': '600s',
    });
    const zoneA = [{ name: 'zone', type: 'TEXT' as const, text: { value: 'a' } }];
    const plan = planOffers(
      [offer('b', 4, 8192, [{ name: 'zone', type: 'TEXT', text: { value: 'b' } }]), offer('x', 4, 8192, zoneA), offer('small', 4, 100, zoneA), offer('ok', 1, 4096, zoneA)],
      s,
      { ...none, agentFailures: new Map([['a-x', 2]]), target: 10 },
    );
    expect(plan.launches.map((l) => l.offer.id.value)).to.deep.equal(['o-ok']);
    expect(plan.declines.map((d) => [d.offer.id.value, d.refuseSeconds])).to.deep.equal([
      ['o-b', 600],
      ['o-x', 120],
      ['o-small', undefined],
    ]);
  });

  it('stops at the executor target and declines everything while stopping', () => {
    const s = settings({ 'kindling.executor.cores': '1' });
    expect(planOffers([offer('1', 8, 65536)], s, { ...none, target: 3 }).launches[0]!.executors).to.have.length(3);
    const stopping = planOffers([offer('1', 8, 65536)], s, { ...none, target: 3, stopping: true });
    expect(stopping.launches).to.deep.equal([]);
    expect(stopping.declines[0]!.why).to.equal('stopping');
  });

  it('refuses bad settings with the key and the fix', () => {
    expect(() => settings({ 'kindling.executor.cores': '4', 'kindling.cores.max': '2' })).to.throw(/kindling.executor.cores \(4\) is larger than kindling.cores.max \(2\)/);
    expect(() => settings({ 'kindling.mesos.role': 'bad role' })).to.throw(/Invalid kindling.mesos.role 'bad role'/);
    expect(() => settings({ 'kindling.mesos.contentType': 'text/plain' })).to.throw(/Invalid kindling.mesos.contentType 'text\/plain'/);
    expect(() => settings({ 'kindling.mesos.failoverTimeout': 'soon' })).to.throw(/kindling.mesos.failoverTimeout/);
  });
});
