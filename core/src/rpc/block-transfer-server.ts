/**
 * Serves blocks to other executors (Spark's NettyBlockTransferService, server side): shuffle
 * blocks are a segment of a map task's data file located by its index file; rdd blocks come
 * from the block store. Block ids come from the network, so they are validated before they can
 * name a file, and a refused id is logged as a possible attack.
 */
import { open } from 'node:fs/promises';
import { BlockError } from '../errors.js';
import { blockFilePath, parseBlockId, shuffleDataFileName, shuffleIndexFileName, validateBlockFileName } from '../shuffle/block-id.js';
import { readIndexFile } from '../shuffle/index-file.js';
import { DEFAULT_MAX_FRAME_BYTES, frameTooLargeMessage } from './frame-codec.js';
import type { RpcConnection } from './rpc-connection.js';
import { RateLimitedLog } from '../util/rate-limited-log.js';
import { RpcServer } from './rpc-server.js';
import type { Reply, RpcMessage } from './rpc-types.js';

/** Room for the blockData envelope and length fields next to the block in one frame. */
const FRAME_OVERHEAD_BYTES = 1024;

export interface BlockSource {
  get(blockId: string): Uint8Array | undefined | Promise<Uint8Array | undefined>;
}

export interface BlockTransferServerOptions {
  host?: string;
  port?: number;
  secret?: string;
  /** Directory holding shuffle_S_M_0.data / .index files. */
  shuffleDir: string;
  /** Cached rdd_X_P blocks (the executor's BlockStore). */
  blockStore?: BlockSource;
  maxFrameBytes?: number;
  authTimeoutMs?: number;
  log?: (message: string) => void;
}

export class BlockTransferServer {
  private constructor(readonly rpc: RpcServer) {}

  static async start(opts: BlockTransferServerOptions): Promise<BlockTransferServer> {
    const log = opts.log ?? ((m: string) => console.warn(m));
    // Refused block ids (traversal probes) are logged rate-limited, like refused connections.
    const refusals = new RateLimitedLog(log, 'refused block requests');
    const rpc = await RpcServer.listen({
      host: opts.host,
      port: opts.port,
      secret: opts.secret,
      maxFrameBytes: opts.maxFrameBytes,
      authTimeoutMs: opts.authTimeoutMs,
      log,
      onConnection: (conn) => conn.onMessage((msg, reply) => serveBlock(opts, (m) => refusals.log(m), conn, msg, reply)),
    });
    return new BlockTransferServer(rpc);
  }

  get host(): string {
    return this.rpc.host;
  }

  get port(): number {
    return this.rpc.port;
  }

  close(): Promise<void> {
    return this.rpc.close();
  }
}

/** Answers fetchBlock; a thrown error becomes the `error` reply. */
async function serveBlock(
  opts: BlockTransferServerOptions,
  log: (message: string) => void,
  conn: RpcConnection,
  msg: RpcMessage,
  reply: Reply,
): Promise<void> {
  if (msg.type !== 'fetchBlock') {
    throw new BlockError(`The block transfer service does not handle '${msg.type}' messages`);
  }
  const blockId = msg.payload['blockId'] as string;
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readBlock(opts, blockId);
  } catch (e) {
    if (e instanceof RefusedBlockId) {
      log(`Refused fetchBlock from ${conn.remoteAddress}: ${e.error.message}`);
      throw e.error;
    }
    throw e;
  }
  if (bytes === undefined) reply('blockData', { blockId, found: false, size: 0 });
  else reply('blockData', { blockId, found: true, size: bytes.byteLength }, bytes);
}

/** The block's bytes, or undefined when this server does not hold it. */
async function readBlock(opts: BlockTransferServerOptions, blockId: string): Promise<Uint8Array | undefined> {
  const block = checkBlockId(blockId);
  if (block.kind === 'rdd') return opts.blockStore?.get(blockId);
  const dir = opts.shuffleDir;
  const indexFile = blockFilePath(dir, shuffleIndexFileName(block.shuffleId, block.mapId));
  let segment: { offset: number; length: number };
  try {
    segment = readIndexFile(indexFile, block.reduceId);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const maxFrameBytes = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  if (segment.length > maxFrameBytes - FRAME_OVERHEAD_BYTES) {
    throw new BlockError(`Block ${blockId}: ${frameTooLargeMessage(segment.length, maxFrameBytes)}`);
  }
  return readSegment(blockFilePath(dir, shuffleDataFileName(block.shuffleId, block.mapId)), segment, blockId);
}

class RefusedBlockId {
  constructor(readonly error: BlockError) {}
}

type ServedBlock = { kind: 'rdd' } | { kind: 'shuffle'; shuffleId: number; mapId: number; reduceId: number };

/** Only canonical shuffle_S_M_R and rdd_X_P names, which cannot hold a path, are served. */
function checkBlockId(blockId: unknown): ServedBlock {
  const shown = JSON.stringify(String(blockId)).slice(1, -1); // one line, NULs escaped
  const refuse = (why: string): never => {
    throw new RefusedBlockId(new BlockError(`Block id '${shown}' is not a valid block name; ${why}`));
  };
  if (typeof blockId !== 'string') return refuse('expected a string');
  try {
    validateBlockFileName(blockId);
  } catch {
    return refuse("it must not contain path separators, '..', NUL or a drive/absolute prefix");
  }
  let parsed;
  try {
    parsed = parseBlockId(blockId);
  } catch {
    return refuse('expected shuffle_<shuffleId>_<mapId>_<reduceId> or rdd_<rddId>_<partition>');
  }
  if (parsed.kind === 'rdd') return { kind: 'rdd' };
  if (parsed.kind === 'shuffle') return parsed;
  return refuse(`${parsed.kind} blocks are not served by the block transfer service`);
}

async function readSegment(dataFile: string, segment: { offset: number; length: number }, blockId: string): Promise<Uint8Array> {
  const handle = await open(dataFile, 'r');
  try {
    const buf = Buffer.allocUnsafe(segment.length);
    let done = 0;
    while (done < segment.length) {
      const { bytesRead } = await handle.read(buf, done, segment.length - done, segment.offset + done);
      if (bytesRead === 0) throw new BlockError(`Shuffle data file ${dataFile} is shorter than its index says (block ${blockId})`);
      done += bytesRead;
    }
    return buf;
  } finally {
    await handle.close();
  }
}
