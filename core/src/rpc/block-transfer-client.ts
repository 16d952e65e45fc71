/**
 * Fetches blocks from other executors' BlockTransferServers (Spark's ShuffleBlockFetcherIterator
 * plus its connection pool): one reused connection per peer, requests multiplexed on it, and the
 * bytes in flight bounded by kindling.reducer.maxSizeInFlight across all fetches of this client.
 */
import { IllegalArgumentError, IllegalStateError, ProtocolError } from '../errors.js';
import { BlockFetchError } from './block-fetch-error.js';
import { ByteBudget } from './byte-budget.js';
import { connectRpc } from './connect-rpc.js';
import { formatHostPort, type RpcConnection } from './rpc-connection.js';
import { RpcConnectionError } from './rpc-errors.js';

/** Spark's spark.reducer.maxSizeInFlight default (48 MiB). */
export const DEFAULT_MAX_BYTES_IN_FLIGHT = 48 * 1024 * 1024;

export interface BlockTransferClientOptions {
  secret?: string;
  maxFrameBytes?: number;
  /** kindling.reducer.maxSizeInFlight in bytes; default 48 MiB. */
  maxBytesInFlight?: number;
  /** Spark's spark.shuffle.io.numConnectionsPerPeer; default 1. */
  maxConnectionsPerPeer?: number;
  /** Per-fetch timeout; default 120 s (kindling.network.timeout). */
  timeoutMs?: number;
  log?: (message: string) => void;
}

export interface BlockFetchRequest {
  host: string;
  port: number;
  blockId: string;
  /** Expected size (from the map output statistics); what the in-flight bound counts. */
  size: number;
}

export interface FetchedBlock {
  blockId: string;
  bytes: Uint8Array;
}

interface Slot {
  connecting: Promise<RpcConnection>;
  conn?: RpcConnection;
}

export class BlockTransferClient {
  private readonly budget: ByteBudget;
  private readonly perPeer: number;
  private readonly pool = new Map<string, Array<Slot | undefined>>();
  private readonly roundRobin = new Map<string, number>();
  private closed = false;

  constructor(private readonly opts: BlockTransferClientOptions = {}) {
    const maxBytes = opts.maxBytesInFlight ?? DEFAULT_MAX_BYTES_IN_FLIGHT;
    if (!(maxBytes > 0)) throw new IllegalArgumentError(`maxBytesInFlight must be positive, got ${String(maxBytes)}`);
    this.perPeer = opts.maxConnectionsPerPeer ?? 1;
    if (!Number.isInteger(this.perPeer) || this.perPeer < 1) {
      throw new IllegalArgumentError(`maxConnectionsPerPeer must be a positive integer, got ${String(this.perPeer)}`);
    }
    this.budget = new ByteBudget(maxBytes);
  }

  /**
   * Fetches in parallel within the in-flight bound, starting requests in order; the result is in
   * request order. Rejects on the first block that is missing or cannot be fetched.
   */
  fetchBlocks(requests: readonly BlockFetchRequest[]): Promise<FetchedBlock[]> {
    const bad = requests.find((r) => !Number.isFinite(r.size) || r.size < 0);
    if (bad) {
      return Promise.reject(
        new IllegalArgumentError(`Block ${bad.blockId}: size must be a non-negative number, got ${String(bad.size)}`),
      );
    }
    return new Promise<FetchedBlock[]>((resolve, reject) => {
      const results = new Array<FetchedBlock>(requests.length);
      let remaining = requests.length;
      let failed = false;
      if (remaining === 0) return resolve(results);
      const launchAll = async (): Promise<void> => {
        for (let i = 0; i < requests.length && !failed; i++) {
          const r = requests[i]!;
          await this.budget.acquire(r.size);
          if (failed) {
            this.budget.release(r.size);
            return;
          }
          this.fetchBlock(r.host, r.port, r.blockId)
            .then(
              (bytes) => {
                results[i] = { blockId: r.blockId, bytes };
                if (--remaining === 0) resolve(results);
              },
              (e: unknown) => {
                failed = true;
                reject(e);
              },
            )
            .finally(() => this.budget.release(r.size));
        }
      };
      void launchAll();
    });
  }

  /** One block; rejects with a BlockFetchError naming the block and peer. */
  async fetchBlock(host: string, port: number, blockId: string): Promise<Uint8Array> {
    const peer = formatHostPort(host, port);
    // One retry on a lost connection: a pooled connection may have died since its last use.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.fetchOnce(host, port, blockId, peer);
      } catch (e) {
        if (e instanceof BlockFetchError) throw e;
        if (e instanceof RpcConnectionError && attempt === 0 && !this.closed) continue;
        throw new BlockFetchError(`Failed to fetch block ${blockId} from ${peer}: ${(e as Error).message}`, blockId, host, port, {
          cause: e,
        });
      }
    }
  }

  /** Closes every pooled connection; later fetches fail. Never rejects. */
  async close(): Promise<void> {
    this.closed = true;
    const slots = [...this.pool.values()].flat().filter((s): s is Slot => s !== undefined);
    this.pool.clear();
    await Promise.all(
      slots.map(async (s) => {
        const conn = await s.connecting.catch(() => undefined);
        conn?.close();
        await conn?.whenClosed;
      }),
    );
  }

  private async fetchOnce(host: string, port: number, blockId: string, peer: string): Promise<Uint8Array> {
    const conn = await this.connection(host, port, peer);
    const reply = await conn.ask('fetchBlock', { blockId }, undefined, this.opts.timeoutMs);
    const p = reply.payload as { blockId: string; found: boolean; size: number };
    if (reply.type !== 'blockData' || p.blockId !== blockId) {
      throw new ProtocolError(`Peer ${peer} answered fetchBlock ${blockId} with '${reply.type}' for '${String(p.blockId)}'`);
    }
    if (!p.found) throw new BlockFetchError(`Block ${blockId} not found on ${peer}`, blockId, host, port);
    const bytes = reply.body ?? new Uint8Array(0);
    if (bytes.byteLength !== p.size) {
      throw new ProtocolError(`Peer ${peer} sent ${bytes.byteLength} bytes for block ${blockId} but declared ${p.size}`);
    }
    return bytes;
  }

  /** A pooled connection to the peer, round-robin over its slots; reconnects a slot whose connection closed. */
  private connection(host: string, port: number, peer: string): Promise<RpcConnection> {
    if (this.closed) return Promise.reject(new IllegalStateError('The block transfer client is closed'));
    let slots = this.pool.get(peer);
    if (!slots) this.pool.set(peer, (slots = []));
    const index = (this.roundRobin.get(peer) ?? 0) % this.perPeer;
    this.roundRobin.set(peer, index + 1);
    const current = slots[index];
    if (current && !(current.conn?.closed ?? false)) return current.connecting;
    const { secret, maxFrameBytes, log } = this.opts;
    const slot: Slot = { connecting: connectRpc({ host, port, secret, maxFrameBytes, log }) };
    const owned = slots;
    slots[index] = slot;
    const forget = (): void => {
      if (owned[index] === slot) owned[index] = undefined;
    };
    slot.connecting.then(
      (conn) => {
        slot.conn = conn;
        conn.onClose(forget);
        if (this.closed) conn.close(); // closed while connecting
      },
      forget,
    );
    return slot.connecting;
  }
}
