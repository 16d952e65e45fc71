import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BlockError } from '../errors.js';
import { BlockStore } from './block-store.js';

describe('executor/BlockStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-blocks-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

  it('keeps MEMORY_ONLY blocks in memory within capacity and reports their size', async () => {
    const store = new BlockStore(dir, 100);
    expect(await store.put('rdd_1_0', bytes(40), 'MEMORY_ONLY')).to.deep.equal([{ blockId: 'rdd_1_0', memSize: 40, diskSize: 0 }]);
    expect(store.memoryBytesUsed).to.equal(40);
    expect(await store.get('rdd_1_0')).to.deep.equal(bytes(40));
    expect(fs.readdirSync(dir)).to.deep.equal([]);
  });

  it('evicts least recently used blocks of other RDDs, spilling MEMORY_AND_DISK ones to disk', async () => {
    const store = new BlockStore(dir, 100);
    await store.put('rdd_1_0', bytes(40, 1), 'MEMORY_AND_DISK');
    await store.put('rdd_2_0', bytes(40, 2), 'MEMORY_ONLY');
    await store.get('rdd_1_0'); // rdd_1_0 is now the most recently used
    const updates = await store.put('rdd_3_0', bytes(40, 3), 'MEMORY_ONLY');
    expect(updates).to.deep.include({ blockId: 'rdd_2_0', memSize: 0, diskSize: 0 });
    expect(updates).to.deep.include({ blockId: 'rdd_3_0', memSize: 40, diskSize: 0 });
    expect(await store.get('rdd_2_0')).to.equal(undefined);
    const more = await store.put('rdd_4_0', bytes(40, 4), 'MEMORY_ONLY');
    expect(more).to.deep.include({ blockId: 'rdd_1_0', memSize: 0, diskSize: 40 });
    expect(await store.get('rdd_1_0'), 'spilled block is read back from disk').to.deep.equal(bytes(40, 1));
    expect(store.memoryBytesUsed).to.be.at.most(100);
  });

  it('does not evict blocks of the same RDD; a block that does not fit falls back to disk or is not stored', async () => {
    const store = new BlockStore(dir, 100);
    await store.put('rdd_1_0', bytes(60), 'MEMORY_ONLY');
    expect(await store.put('rdd_1_1', bytes(60), 'MEMORY_ONLY')).to.deep.equal([]);
    expect(await store.put('rdd_1_2', bytes(60), 'MEMORY_AND_DISK')).to.deep.equal([{ blockId: 'rdd_1_2', memSize: 0, diskSize: 60 }]);
    expect(await store.get('rdd_1_0')).to.deep.equal(bytes(60));
  });

  it('writes DISK_ONLY blocks atomically and removes every block of an RDD', async () => {
    const store = new BlockStore(dir, 100);
    await store.put('rdd_5_0', bytes(10), 'DISK_ONLY');
    await store.put('rdd_5_1', bytes(10), 'MEMORY_ONLY');
    expect(fs.readdirSync(dir)).to.deep.equal(['rdd_5_0']);
    const removed = store.removeRdd(5);
    expect(removed.map((u) => u.blockId).sort()).to.deep.equal(['rdd_5_0', 'rdd_5_1']);
    expect(fs.readdirSync(dir)).to.deep.equal([]);
    expect(store.memoryBytesUsed).to.equal(0);
  });

  it('refuses block ids that would escape its directory', async () => {
    const store = new BlockStore(dir, 100);
    let error: unknown;
    try {
      await store.put('../escape', bytes(1), 'DISK_ONLY');
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(BlockError);
    expect(fs.existsSync(path.join(dir, '..', 'escape'))).to.equal(false);
  });
});
