import { expect } from 'chai';
import { MasterUrlError } from '@kindling/core/cluster-manager';
import { formatStandaloneUrl, isStandaloneUrl, parseStandaloneUrl } from './standalone-master-url.js';

describe('standalone/master URL', () => {
  it('parses one or several masters', () => {
    expect(parseStandaloneUrl('spark://127.0.0.1:7077')).to.deep.equal([{ host: '127.0.0.1', port: 7077 }]);
    expect(parseStandaloneUrl('spark://a:1,b.example:7078')).to.deep.equal([
      { host: 'a', port: 1 },
      { host: 'b.example', port: 7078 },
    ]);
    expect(parseStandaloneUrl('spark://[::1]:7077')).to.deep.equal([{ host: '::1', port: 7077 }]);
    expect(formatStandaloneUrl(parseStandaloneUrl('spark://a:1,[::1]:2'))).to.equal('spark://a:1,[::1]:2');
  });

  it('claims spark:// only, and names the malformed part', () => {
    expect(isStandaloneUrl('spark://x')).to.equal(true);
    expect(isStandaloneUrl('local[2]')).to.equal(false);
    expect(() => parseStandaloneUrl('spark://host')).to.throw(MasterUrlError, 'Invalid master URL: spark://host;');
    expect(() => parseStandaloneUrl('spark://a:1,b')).to.throw(MasterUrlError, "Invalid master URL: spark://b (in 'spark://a:1,b')");
    expect(() => parseStandaloneUrl('spark://a:70000')).to.throw(MasterUrlError, 'spark://a:70000');
  });
});
