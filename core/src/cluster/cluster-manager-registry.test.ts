import { expect } from 'chai';
import { MasterUrlError } from '../errors.js';
import { ClusterManagerRegistry } from './cluster-manager-registry.js';

describe('cluster/ClusterManagerRegistry.select', () => {
  // A registry with no adapter loaded is what an app without the adapter packages sees.
  for (const [url, name, pkg] of [
    ['yarn', 'YARN', '@kindling/cluster-manager-yarn'],
    ['spark://h:7077', 'standalone', '@kindling/cluster-manager-standalone'],
    ['mesos://zk://h:2181/mesos', 'Mesos', '@kindling/cluster-manager-mesos'],
  ] as const) {
    it(`names the package to install for a well-formed '${url}' when its adapter is missing`, () => {
      const select = () => new ClusterManagerRegistry().select(url);
      expect(select).to.throw(MasterUrlError, `npm install ${pkg}`);
      expect(select).to.throw(new RegExp(`Master URL '${url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}' needs the ${name} cluster manager`, 'i'));
    });
  }

  it("keeps Spark's words for a URL no adapter claims", () => {
    expect(() => new ClusterManagerRegistry().select('foo://bar')).to.throw(MasterUrlError, "Could not parse master URL: 'foo://bar'");
  });
});
