import { expect } from 'chai';
import { KindlingContext } from '@kindling/core';
import { ClusterManagerError, KindlingConf, MasterUrlError } from '@kindling/core/cluster-manager';
import { MesosClusterManager } from '@kindling/cluster-manager-mesos';

describe('Mesos cluster manager', function () {
  this.timeout(30_000);
  const manager = new MesosClusterManager();

  it('claims mesos:// only, and rejects malformed URLs and settings before connecting', () => {
    expect(manager.canCreate('mesos://h:5050')).to.equal(true);
    expect(manager.canCreate('mesos://zk://h:2181/mesos')).to.equal(true);
    expect(manager.canCreate('spark://h:7077')).to.equal(false);
    expect(() => manager.taskSchedulerOptions('mesos://h:5050/x', new KindlingConf({}))).to.throw(MasterUrlError);
    expect(() => manager.taskSchedulerOptions('mesos://h:5050', new KindlingConf({ 'kindling.mesos.constraints': 'nocolon' }))).to.throw(/Bad constraint string/);
    expect(manager.taskSchedulerOptions('mesos://h:5050', new KindlingConf({}))).to.deep.equal({});
  });

  it('an unreachable master fails KindlingContext.create with a clear error, not a hang', async () => {
    const e = await KindlingContext.create({ master: 'mesos://127.0.0.1:1', conf: { 'kindling.mesos.callTimeout': '1500ms' } }).catch((x: unknown) => x);
    expect(e).to.be.instanceOf(ClusterManagerError);
    expect((e as Error).message).to.match(/Cannot register with the Mesos master at mesos:\/\/127\.0\.0\.1:1: Could not subscribe to the Mesos master within 1500 ms: Cannot reach Mesos master 127\.0\.0\.1:1/);
  });
});
