import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { blockFilePath } from '../shuffle/block-id.js';
import type { BlockUpdate } from '../scheduler/task-result.js';
import { storageLevelByName, type StorageLevel } from '../storage/storage-level.js';

interface MemoryBlock {
  bytes: Uint8Array;
  level: StorageLevel;
}

/**
 * The executor's cached RDD blocks: serialized partitions in memory (LRU, bounded) and on disk.
 * Lives on the executor's main thread and is shared by its task threads.
 */
export class BlockStore {
  private readonly memory = new Map<string, MemoryBlock>();
  private memoryUsed = 0;
  private readonly onDisk = new Map<string, number>();

  constructor(
    private readonly blocksDir: string,
    readonly memoryCapacity: number,
  ) {}

  /** Disk reads are asynchronous: the store lives on a thread that also serves the driver or the network. */
  async get(blockId: string): Promise<Uint8Array | undefined> {
    const m = this.memory.get(blockId);
    if (m) {
      // Refresh LRU position.
      this.memory.delete(blockId);
      this.memory.set(blockId, m);
      return m.bytes;
    }
    if (!this.onDisk.has(blockId)) return undefined;
    try {
      return await fsp.readFile(blockFilePath(this.blocksDir, blockId));
    } catch {
      return undefined; // removed meanwhile: the caller recomputes
    }
  }

  /** Stores a block at `levelName`; returns the updates to report (this block and any evicted ones). */
  async put(blockId: string, bytes: Uint8Array, levelName: string): Promise<BlockUpdate[]> {
    const level = storageLevelByName(levelName);
    if (!level) throw new Error(`Unknown storage level '${levelName}'`);
    const updates: BlockUpdate[] = [];
    this.remove(blockId);
    if (level.useMemory && bytes.byteLength <= this.memoryCapacity) {
      updates.push(...(await this.evictFor(bytes.byteLength, rddOf(blockId))));
      if (this.memoryUsed + bytes.byteLength <= this.memoryCapacity) {
        this.memory.set(blockId, { bytes, level });
        this.memoryUsed += bytes.byteLength;
        updates.push({ blockId, memSize: bytes.byteLength, diskSize: 0 });
        return updates;
      }
    }
    if (level.useDisk) {
      await this.writeDisk(blockId, bytes);
      updates.push({ blockId, memSize: 0, diskSize: bytes.byteLength });
    }
    return updates;
  }

  /** Drops every block of an RDD; returns the removal updates. */
  removeRdd(rddId: number): BlockUpdate[] {
    const prefix = `rdd_${rddId}_`;
    const ids = [...this.memory.keys(), ...this.onDisk.keys()].filter((id) => id.startsWith(prefix));
    return [...new Set(ids)].map((id) => this.remove(id)).filter((u): u is BlockUpdate => u !== undefined);
  }

  remove(blockId: string): BlockUpdate | undefined {
    let removed = false;
    const m = this.memory.get(blockId);
    if (m) {
      this.memory.delete(blockId);
      this.memoryUsed -= m.bytes.byteLength;
      removed = true;
    }
    if (this.onDisk.has(blockId)) {
      this.onDisk.delete(blockId);
      fs.rmSync(blockFilePath(this.blocksDir, blockId), { force: true });
      removed = true;
    }
    return removed ? { blockId, memSize: 0, diskSize: 0 } : undefined;
  }

  get memoryBytesUsed(): number {
    return this.memoryUsed;
  }

  /** Spark's rule: evict least recently used blocks of other RDDs, spilling those that allow disk. */
  private async evictFor(size: number, rddId: string | undefined): Promise<BlockUpdate[]> {
    const updates: BlockUpdate[] = [];
    for (const [id, block] of [...this.memory]) {
      if (this.memoryUsed + size <= this.memoryCapacity) break;
      if (rddId !== undefined && rddOf(id) === rddId) continue;
      if (this.memory.get(id) !== block) continue; // another put already evicted or replaced it
      this.memory.delete(id);
      this.memoryUsed -= block.bytes.byteLength;
      if (block.level.useDisk) {
        await this.writeDisk(id, block.bytes);
        updates.push({ blockId: id, memSize: 0, diskSize: block.bytes.byteLength });
      } else {
        updates.push({ blockId: id, memSize: 0, diskSize: 0 });
      }
    }
    return updates;
  }

  /** Write to a temporary name, then rename: a reader sees the whole block or none. */
  private async writeDisk(blockId: string, bytes: Uint8Array): Promise<void> {
    const file = blockFilePath(this.blocksDir, blockId);
    const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    await fsp.writeFile(tmp, bytes);
    await fsp.rename(tmp, file);
    this.onDisk.set(blockId, bytes.byteLength);
  }
}

function rddOf(blockId: string): string | undefined {
  return /^rdd_(\d+)_/.exec(blockId)?.[1];
}
