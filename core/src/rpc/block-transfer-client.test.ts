import { expect } from 'chai';
import { IllegalArgumentError } from '../errors.js';
import { seededRandom } from '../shuffle/shuffle.test-helper.js';
import { BlockFetchError } from './block-fetch-error.js';
import { type BlockFetchRequest, BlockTransferClient } from './block-transfer-client.js';
import { BlockTransferServer } from './block-transfer-server.js';
import { ByteBudget } from './byte-budget.js';
import { RpcServer } from './rpc-server.js';
import { logSink, rejectionOf, sleep } from './rpc.test-helper.js';

/** A block server whose store answers after a delay and records how many bytes it is serving at once. */
async function instrumentedServer(blocks: Map<string, Buffer>, seed: number, stats = newStats()) {
  const rnd = seededRandom(seed);
  const server = await BlockTransferServer.start({
    shuffleDir: '/nonexistent',
    log: logSink().log,
    blockStore: {
      get: async (id) => {
        const block = blocks.get(id);
        const size = block?.length ?? 0;
        stats.order.push(id);
        stats.outstanding += size;
        stats.concurrent++;
        stats.maxOutstanding = Math.max(stats.maxOutstanding, stats.outstanding);
        stats.maxConcurrent = Math.max(stats.maxConcurrent, stats.concurrent);
        stats.aloneWhenServed.set(id, stats.concurrent);
        await sleep(2 + Math.floor(rnd() * 15));
        stats.outstanding -= size;
        stats.concurrent--;
        return block;
      },
    },
  });
  return { server, stats };
}

/** Pass the same stats to several servers to measure what one client has in flight across them. */
function newStats() {
  return { outstanding: 0, maxOutstanding: 0, concurrent: 0, maxConcurrent: 0, order: [] as string[], aloneWhenServed: new Map<string, number>() };
}

function makeBlocks(prefix: number, sizes: number[]): Map<string, Buffer> {
  return new Map(sizes.map((size, p) => [`rdd_${prefix}_${p}`, Buffer.alloc(size, (prefix * 31 + p) % 251)]));
}

function requestsFor(server: BlockTransferServer, blocks: Map<string, Buffer>): BlockFetchRequest[] {
  return [...blocks].map(([blockId, b]) => ({ host: server.host, port: server.port, blockId, size: b.length }));
}

describe('rpc/block-transfer-client', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });
  function client(opts: ConstructorParameters<typeof BlockTransferClient>[0] = {}): BlockTransferClient {
    const c = new BlockTransferClient(opts);
    cleanup.push(() => c.close());
    return c;
  }
  async function serve(blocks: Map<string, Buffer>, seed = 1, stats = newStats()) {
    const s = await instrumentedServer(blocks, seed, stats);
    cleanup.push(() => s.server.close());
    return s;
  }

  it('keeps the bytes in flight within maxBytesInFlight and returns blocks in request order', async () => {
    const rnd = seededRandom(3);
    const blocks = makeBlocks(1, Array.from({ length: 40 }, () => 10_000 + Math.floor(rnd() * 290_000)));
    const { server, stats } = await serve(blocks);
    const requests = requestsFor(server, blocks);
    const fetched = await client({ maxBytesInFlight: 600_000 }).fetchBlocks(requests);
    expect(fetched.map((f) => f.blockId)).to.deep.equal(requests.map((r) => r.blockId));
    for (const f of fetched) expect(Buffer.compare(Buffer.from(f.bytes), blocks.get(f.blockId)!)).to.equal(0);
    expect(stats.maxOutstanding).to.be.at.most(600_000);
    expect(stats.maxConcurrent).to.be.above(1); // it does fetch in parallel
    expect(stats.order).to.deep.equal(requests.map((r) => r.blockId)); // started in request order
    expect(server.rpc.connections.size).to.equal(1); // one reused connection
  });

  it('fetches a block larger than the bound alone', async () => {
    const blocks = makeBlocks(2, [100_000, 100_000, 1_000_000, 100_000, 100_000]);
    const { server, stats } = await serve(blocks);
    const fetched = await client({ maxBytesInFlight: 300_000 }).fetchBlocks(requestsFor(server, blocks));
    expect(fetched[2]!.bytes.byteLength).to.equal(1_000_000);
    expect(stats.aloneWhenServed.get('rdd_2_2')).to.equal(1);
    expect(stats.maxOutstanding).to.equal(1_000_000);
  });

  it('shares the bound across concurrent fetches and peers, keeping each result in order', async () => {
    const stats = newStats(); // one view of both servers
    const blocksA = makeBlocks(3, Array.from({ length: 15 }, (_, i) => 20_000 + i * 1000));
    const blocksB = makeBlocks(4, Array.from({ length: 15 }, (_, i) => 40_000 - i * 1000));
    const a = await serve(blocksA, 5, stats);
    const b = await serve(blocksB, 6, stats);
    const c = client({ maxBytesInFlight: 150_000 });
    const fromB = requestsFor(b.server, blocksB);
    const mixed = requestsFor(a.server, blocksA).flatMap((r, i) => [r, fromB[i]!]);
    const [one, two] = await Promise.all([c.fetchBlocks(mixed), c.fetchBlocks([...fromB].reverse())]);
    expect(one.map((f) => f.blockId)).to.deep.equal(mixed.map((r) => r.blockId));
    expect(two.map((f) => f.blockId)).to.deep.equal([...blocksB.keys()].reverse());
    expect(stats.maxOutstanding).to.be.at.most(150_000);
    expect(stats.maxConcurrent).to.be.above(1);
  });

  it('opens up to maxConnectionsPerPeer connections and reconnects after the server drops them', async () => {
    const blocks = makeBlocks(5, Array.from({ length: 12 }, () => 1000));
    const { server } = await serve(blocks);
    const c = client({ maxConnectionsPerPeer: 3 });
    await c.fetchBlocks(requestsFor(server, blocks));
    expect(server.rpc.connections.size).to.equal(3);
    for (const conn of [...server.rpc.connections]) conn.close();
    await sleep(50);
    expect(server.rpc.connections.size).to.equal(0);
    const again = await c.fetchBlocks(requestsFor(server, blocks));
    expect(again).to.have.length(12);
    expect(server.rpc.connections.size).to.equal(3);
  });

  it('rejects naming the block and peer when a block is missing', async () => {
    const blocks = makeBlocks(6, [10, 20, 30]);
    const { server } = await serve(blocks);
    const requests = requestsFor(server, blocks);
    requests.splice(1, 0, { host: server.host, port: server.port, blockId: 'rdd_6_99', size: 10 });
    const e = await rejectionOf(client().fetchBlocks(requests));
    expect(e).to.be.instanceOf(BlockFetchError);
    expect(e.message).to.equal(`Block rdd_6_99 not found on 127.0.0.1:${server.port}`);
    expect((e as BlockFetchError).blockId).to.equal('rdd_6_99');
    expect((e as BlockFetchError).port).to.equal(server.port);
  });

  it('rejects naming the block and peer when the peer is unreachable', async () => {
    const probe = await RpcServer.listen({ onConnection: () => {} });
    const port = probe.port;
    await probe.close();
    const e = await rejectionOf(client().fetchBlocks([{ host: '127.0.0.1', port, blockId: 'shuffle_1_0_0', size: 5 }]));
    expect(e).to.be.instanceOf(BlockFetchError);
    expect(e.message).to.match(
      new RegExp(`^Failed to fetch block shuffle_1_0_0 from 127\\.0\\.0\\.1:${port}: Cannot connect to 127\\.0\\.0\\.1:${port}: connection refused`),
    );
  });

  it('validates sizes and handles an empty request list', async () => {
    const c = client();
    expect(await c.fetchBlocks([])).to.deep.equal([]);
    const e = await rejectionOf(c.fetchBlocks([{ host: '127.0.0.1', port: 1, blockId: 'rdd_1_1', size: -1 }]));
    expect(e).to.be.instanceOf(IllegalArgumentError);
  });

  it('fails fetches after close()', async () => {
    const blocks = makeBlocks(7, [10]);
    const { server } = await serve(blocks);
    const c = client();
    await c.fetchBlocks(requestsFor(server, blocks));
    await c.close();
    const e = await rejectionOf(c.fetchBlock(server.host, server.port, 'rdd_7_0'));
    expect(e.message).to.match(/client is closed/);
  });
});

describe('rpc/byte-budget', () => {
  it('grants in FIFO order within the bound, and an oversized request alone', async () => {
    const budget = new ByteBudget(100);
    const granted: string[] = [];
    const take = (name: string, bytes: number) => budget.acquire(bytes).then(() => void granted.push(name));
    const all = [take('a', 60), take('b', 60), take('c', 500), take('d', 10)];
    await sleep(1);
    expect(granted).to.deep.equal(['a']);
    budget.release(60);
    await sleep(1);
    expect(granted).to.deep.equal(['a', 'b']);
    budget.release(60);
    await sleep(1);
    expect(granted).to.deep.equal(['a', 'b', 'c']);
    expect(budget.bytesInUse).to.equal(500);
    budget.release(500);
    await Promise.all(all);
    expect(granted).to.deep.equal(['a', 'b', 'c', 'd']);
  });
});
