import { expect } from 'chai';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readIndexFile } from '../shuffle/index-file.js';
import { hashKey } from '../shuffle/key-hash.js';
import { readFrames } from '../shuffle/record-frames.js';
import { type MapOutput, writeShuffleOutput } from '../shuffle/shuffle-writer.js';
import { makeTempDir, removeDir } from '../shuffle/shuffle.test-helper.js';
import { BlockFetchError } from './block-fetch-error.js';
import { BlockTransferClient } from './block-transfer-client.js';
import { BlockTransferServer } from './block-transfer-server.js';
import { connectRpc } from './connect-rpc.js';
import { RemoteError } from './rpc-errors.js';
import { logSink, rejectionOf } from './rpc.test-helper.js';

const PARTITIONS = 4;
type Pair = [unknown, unknown];

describe('rpc/block-transfer-server', () => {
  let root: string;
  let shuffleDir: string;
  let spillDir: string;
  let output: MapOutput;
  let records: Pair[];
  let server: BlockTransferServer;
  let client: BlockTransferClient;
  let storeGets: string[];
  let sink: ReturnType<typeof logSink>;

  beforeEach(async () => {
    root = makeTempDir('blocks');
    shuffleDir = join(root, 'shuffle');
    mkdirSync(shuffleDir);
    // What `shuffle_1_2_3/../../x` would reach if it were followed.
    writeFileSync(join(root, 'x'), 'outside the shuffle directory');
    spillDir = makeTempDir('spill');
    records = Array.from({ length: 2000 }, (_, i) => [`key-${i % 97}`, { i, text: 'x'.repeat(i % 13) }] as Pair);
    output = writeShuffleOutput(records, {
      shuffleId: 1,
      mapId: 2,
      numPartitions: PARTITIONS,
      getPartition: (k) => hashKey(k, 0) % PARTITIONS,
      mapSideCombine: false,
      outputDir: shuffleDir,
      spillDir,
      memoryBytes: 64 * 1024 * 1024,
    });
    storeGets = [];
    sink = logSink();
    const store = new Map([['rdd_5_0', Buffer.from('cached partition 0')]]);
    server = await BlockTransferServer.start({
      shuffleDir,
      blockStore: { get: (id) => (storeGets.push(id), store.get(id)) },
      log: sink.log,
    });
    client = new BlockTransferClient();
  });
  afterEach(async () => {
    await client.close();
    await server.close();
    removeDir(root);
    removeDir(spillDir);
  });

  it('serves each reduce partition of a map output as its data-file segment', async () => {
    const ids = Array.from({ length: PARTITIONS }, (_, r) => `shuffle_1_2_${r}`);
    const fetched = await client.fetchBlocks(
      ids.map((blockId, r) => ({ host: server.host, port: server.port, blockId, size: output.partitionLengths[r]! })),
    );
    const data = readFileSync(output.dataFile);
    const all: Pair[] = [];
    fetched.forEach((f, r) => {
      expect(f.blockId).to.equal(ids[r]);
      const { offset, length } = readIndexFile(output.indexFile, r);
      expect(Buffer.compare(Buffer.from(f.bytes), data.subarray(offset, offset + length))).to.equal(0);
      const partition = [...readFrames(f.bytes)].flat() as Pair[];
      for (const [k] of partition) expect(hashKey(k, 0) % PARTITIONS).to.equal(r);
      all.push(...partition);
    });
    expect(all).to.have.deep.members(records);
  });

  it('serves rdd blocks from the block store', async () => {
    const bytes = await client.fetchBlock(server.host, server.port, 'rdd_5_0');
    expect(Buffer.from(bytes).toString()).to.equal('cached partition 0');
    expect(storeGets).to.deep.equal(['rdd_5_0']);
  });

  it('answers found=false for blocks it does not hold', async () => {
    const conn = await connectRpc({ host: server.host, port: server.port });
    try {
      for (const blockId of ['rdd_5_1', 'shuffle_9_9_0']) {
        const reply = await conn.ask('fetchBlock', { blockId });
        expect(reply.type).to.equal('blockData');
        expect(reply.payload).to.deep.equal({ blockId, found: false, size: 0 });
        expect(reply.body).to.equal(undefined);
      }
    } finally {
      conn.close();
    }
    const e = await rejectionOf(client.fetchBlock(server.host, server.port, 'shuffle_9_9_0'));
    expect(e).to.be.instanceOf(BlockFetchError);
    expect(e.message).to.equal(`Block shuffle_9_9_0 not found on 127.0.0.1:${server.port}`);
  });

  it('reports a reduce partition beyond the index as an error', async () => {
    const e = await rejectionOf(client.fetchBlock(server.host, server.port, `shuffle_1_2_${PARTITIONS}`));
    expect(e.message).to.match(/reduce partition 4 is out of range/);
  });

  const TRAVERSALS = ['../../etc/passwd', 'shuffle_1_2_3/../../x', '/etc/passwd', 'rdd_1_2\u0000', '..', 'C:x', 'shuffle_1_2_0.data', 'broadcast_1', ''];
  for (const blockId of TRAVERSALS) {
    it(`refuses the block id ${JSON.stringify(blockId)} with BlockError, logs it, and reads nothing`, async () => {
      const conn = await connectRpc({ host: server.host, port: server.port });
      try {
        const e = await rejectionOf(conn.ask('fetchBlock', { blockId }));
        expect(e).to.be.instanceOf(RemoteError);
        expect(e.name).to.equal('BlockError');
        expect(e.message).to.match(/^Block id '.*' is not a valid block name; /);
        expect(e.message).not.to.include('\u0000');
      } finally {
        conn.close();
      }
      expect(storeGets).to.deep.equal([]);
      expect(sink.lines).to.have.length(1);
      expect(sink.lines[0]).to.match(/^Refused fetchBlock from 127\.0\.0\.1:\d+: Block id '/);
    });
  }

  it('refuses messages other than fetchBlock', async () => {
    const conn = await connectRpc({ host: server.host, port: server.port });
    try {
      const e = await rejectionOf(conn.ask('fetchBroadcast', { broadcastId: 1 }));
      expect([e.name, e.message]).to.deep.equal(['BlockError', "The block transfer service does not handle 'fetchBroadcast' messages"]);
    } finally {
      conn.close();
    }
  });

  it('requires authentication when a secret is set', async () => {
    const secure = await BlockTransferServer.start({ secret: 's3cret', shuffleDir, log: sink.log });
    const good = new BlockTransferClient({ secret: 's3cret' });
    const none = new BlockTransferClient();
    const wrong = new BlockTransferClient({ secret: 'nope' });
    try {
      expect((await good.fetchBlock(secure.host, secure.port, 'shuffle_1_2_0')).byteLength).to.equal(output.partitionLengths[0]);
      const e1 = await rejectionOf(none.fetchBlock(secure.host, secure.port, 'shuffle_1_2_0'));
      expect(e1).to.be.instanceOf(BlockFetchError);
      expect(e1.message).to.match(/^Failed to fetch block shuffle_1_2_0 from 127\.0\.0\.1:\d+: .*requires authentication/);
      const e2 = await rejectionOf(wrong.fetchBlock(secure.host, secure.port, 'shuffle_1_2_0'));
      expect(e2.message).to.match(/Authentication failed: wrong kindling\.authenticate\.secret/);
    } finally {
      await Promise.all([good.close(), none.close(), wrong.close()]);
      await secure.close();
    }
  });
});
