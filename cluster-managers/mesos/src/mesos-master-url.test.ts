import { expect } from 'chai';
import { MasterUrlError } from '@kindling/core/cluster-manager';
import { parseMesosMasterUrl } from './mesos-master-url.js';

describe('Mesos master URLs', () => {
  it('parses mesos://host:port and defaults the port to 5050', () => {
    expect(parseMesosMasterUrl('mesos://10.0.0.1:5050')).to.deep.equal({ kind: 'static', master: { host: '10.0.0.1', port: 5050 } });
    expect(parseMesosMasterUrl('mesos://master.example')).to.deep.equal({ kind: 'static', master: { host: 'master.example', port: 5050 } });
  });

  it('parses mesos://zk://h1:2181,h2:2181/mesos', () => {
    expect(parseMesosMasterUrl('mesos://zk://h1:2181,h2:2182/mesos')).to.deep.equal({
      kind: 'zookeeper',
      connectString: 'h1:2181,h2:2182',
      path: '/mesos',
    });
    expect(parseMesosMasterUrl('mesos://zk://h1/a/b/')).to.deep.equal({ kind: 'zookeeper', connectString: 'h1', path: '/a/b' });
  });

  it('rejects malformed URLs with MasterUrlError naming the URL and the expected forms', () => {
    for (const bad of ['mesos://', 'mesos://h:0', 'mesos://h:99999', 'mesos://h:5050/x', 'mesos://zk://h1:2181', 'mesos://zk:///mesos', 'mesos://a b:5050']) {
      expect(() => parseMesosMasterUrl(bad), bad).to.throw(MasterUrlError, new RegExp(`Could not parse master URL: '${bad.replace(/[/.*+?^${}()|[\]\\]/g, '\\$&')}'.*mesos://host:port`));
    }
  });
});
