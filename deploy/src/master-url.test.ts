import { expect } from 'chai';
import { MasterUrlError } from '@kindling/core';
import { validateMasterUrl } from './master-url.js';

describe('deploy/validateMasterUrl', () => {
  it('accepts the shapes spark-submit accepts', () => {
    for (const url of ['local', 'local[4]', 'local[*]', 'local[2,3]', 'local-cluster[2,1,1024]', 'spark://host:7077', 'yarn', 'mesos://host:5050', 'k8s://https://host:6443']) {
      expect(validateMasterUrl(url), url).to.equal(url);
    }
  });

  it("rejects anything else with spark-submit's message", () => {
    for (const url of ['', 'foo', 'yarn-client', 'spark:/host', 'k8s:', 'LOCAL', ' local']) {
      expect(() => validateMasterUrl(url), url)
        .to.throw(MasterUrlError)
        .with.property('message', 'Master must either be yarn or start with spark, mesos, k8s, or local (or scheme:// for an adapter registered with kindling.clusterManagers)');
    }
  });
  it('accepts any scheme:// URL, for adapters registered with kindling.clusterManagers', () => {
    expect(validateMasterUrl('spawn://2')).to.equal('spawn://2');
  });
});
