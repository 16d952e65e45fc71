import { expect } from 'chai';
import { KindlingConf, MasterUrlError } from '@kindling/core/cluster-manager';
import { YarnClusterManager, loadYarnCluster } from './yarn-cluster-manager.js';
import { memoryOverheadMiB, yarnSettings } from './yarn-settings.js';

describe('yarn/cluster manager and kindling.yarn.* settings', () => {
  const cm = new YarnClusterManager();

  it("claims 'yarn' and refuses other yarn forms with the fix", () => {
    expect(cm.canCreate('yarn')).to.equal(true);
    expect(cm.canCreate('yarn-client')).to.equal(true);
    expect(cm.canCreate('spark://h:7077')).to.equal(false);
    expect(cm.taskSchedulerOptions('yarn', new KindlingConf())).to.deep.equal({});
    expect(() => cm.taskSchedulerOptions('yarn-cluster', new KindlingConf())).to.throw(MasterUrlError, /the YARN master is just 'yarn'.*--deploy-mode/);
  });

  it("uses Spark's defaults: overhead max(384 MiB, 10 %), max executor failures max(3, 2 x executors)", () => {
    expect(memoryOverheadMiB(1024)).to.equal(384);
    expect(memoryOverheadMiB(8192)).to.equal(820);
    const s = yarnSettings(new KindlingConf({ 'kindling.yarn.user': 'u' }));
    expect(s).to.deep.include({ queue: 'default', amMemoryMiB: 512, amMemoryOverheadMiB: 384, executorMemoryMiB: 1024, executorMemoryOverheadMiB: 384, executorInstances: 2, maxExecutorFailures: 4, maxAppAttempts: 1, user: 'u', heartbeatMs: 3000 });
    const t = yarnSettings(new KindlingConf({ 'kindling.executor.instances': '5', 'kindling.yarn.queue': 'q', 'kindling.yarn.tags': 'a, b,', 'kindling.executor.memoryOverhead': '100m' }));
    expect(t).to.deep.include({ queue: 'q', tags: ['a', 'b'], maxExecutorFailures: 10, executorMemoryOverheadMiB: 100 });
    expect(() => yarnSettings(new KindlingConf({ 'kindling.yarn.maxAppAttempts': '0' }))).to.throw(/kindling\.yarn\.maxAppAttempts must be >= 1, got 0/);
  });

  it('refuses a Kerberos cluster with a clear error', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-yarn-krb-'));
    try {
      fs.writeFileSync(path.join(dir, 'core-site.xml'), '<configuration><property><name>hadoop.security.authentication</name><value>kerberos</value></property></configuration>');
      fs.writeFileSync(path.join(dir, 'yarn-site.xml'), '<configuration/>');
      const err = await loadYarnCluster(new KindlingConf({ 'kindling.yarn.confDir': dir })).catch((e) => e);
      expect(err.message).to.match(/hadoop\.security\.authentication is kerberos in .*core-site\.xml: the Kindling YARN adapter does not support Kerberos/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
