import { expect } from 'chai';
import * as os from 'node:os';
import { MasterUrlError } from '@kindling/core';
import { isLocalClusterUrl, isLocalMasterUrl, parseLocalClusterUrl, parseLocalMasterUrl } from './local-master-url.js';

describe('local master URLs', () => {
  it('parses local, local[N], local[*] and local[N,F] as Spark does', () => {
    expect(parseLocalMasterUrl('local')).to.deep.equal({ threads: 1, maxTaskFailures: 1 });
    expect(parseLocalMasterUrl('local[3]')).to.deep.equal({ threads: 3, maxTaskFailures: 1 });
    expect(parseLocalMasterUrl('local[*]')).to.deep.equal({ threads: os.availableParallelism(), maxTaskFailures: 1 });
    expect(parseLocalMasterUrl('local[2, 5]')).to.deep.equal({ threads: 2, maxTaskFailures: 5 });
    expect(parseLocalMasterUrl('local[*,4]').maxTaskFailures).to.equal(4);
  });

  it("gives Spark's message for zero threads", () => {
    expect(() => parseLocalMasterUrl('local[0]')).to.throw(MasterUrlError, 'Asked to run locally with 0 threads');
  });

  it('claims only the shapes it owns', () => {
    for (const url of ['local', 'local[4]', 'local[*]', 'local[2,3]', 'local[0]']) expect(isLocalMasterUrl(url), url).to.equal(true);
    for (const url of ['local[abc]', 'local[-1]', 'locals', 'spark://h:7077', 'local-cluster[1,1,1]']) {
      expect(isLocalMasterUrl(url), url).to.equal(false);
    }
    expect(isLocalClusterUrl('local-cluster[2,1,512]')).to.equal(true);
  });

  it('parses local-cluster[N,C,M] and rejects malformed or zero sizes', () => {
    expect(parseLocalClusterUrl('local-cluster[2, 1, 512]')).to.deep.equal({ executors: 2, coresPerExecutor: 1, memoryPerExecutorMiB: 512 });
    expect(() => parseLocalClusterUrl('local-cluster[2,1]')).to.throw(MasterUrlError, "Could not parse master URL: 'local-cluster[2,1]'");
    expect(() => parseLocalClusterUrl('local-cluster[0,1,512]')).to.throw(MasterUrlError, 'at least 1 executor');
  });
});
