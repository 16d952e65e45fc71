import * as fs from 'node:fs';
import * as path from 'node:path';
import { FetchFailedError } from '../errors.js';
import type { StagePlan } from '../scheduler/stage-plan.js';
import { shuffleDataFileName, shuffleIndexFileName } from '../shuffle/block-id.js';
import { readIndexFile } from '../shuffle/index-file.js';
import { fileSegmentFrames, readFrames } from '../shuffle/record-frames.js';
import type { SyncCaller } from './sync-channel.js';
import type { RemoteShuffleFetch, RemoteShuffleFetchResult } from './executor.js';

/**
 * Finds the map output blocks of one reduce partition. Blocks written by this executor are read
 * from its shuffle directory; others are fetched by the executor's main thread. Any failure to
 * read a block is a FetchFailedError, which makes the scheduler re-run the map stage.
 */
export class ShuffleBlockResolver {
  constructor(
    private readonly executorId: string,
    private readonly host: string,
    private readonly shuffleDir: string,
    private readonly caller: SyncCaller,
    /** Remote blocks beyond this total are fetched to files (kindling.reducer.maxSizeInFlight). */
    private readonly maxInMemoryFetchBytes: number,
    /** Spark's spark.shuffle.readHostLocalDisk: read same-host blocks from disk (default true). */
    private readonly readHostLocalDisk = true,
  ) {}

  blocks(plan: StagePlan, shuffleId: number, reduceId: number, spillDir: () => string): Array<Iterable<unknown[]>> {
    const maps = plan.shuffleReads[shuffleId];
    if (!maps) {
      throw new FetchFailedError(`No map output locations for shuffle ${shuffleId}`, shuffleId, -1, reduceId, '');
    }
    const sources: Array<Iterable<unknown[]>> = [];
    const remote = new Map<string, RemoteShuffleFetch['groups'][number]>();
    // Many map outputs share a few executors: check each executor's directory once per call.
    const seenDirs = new Map<string, boolean>();
    const hostLocalDir = (localDir: string) => {
      let ok = seenDirs.get(localDir);
      if (ok === undefined) seenDirs.set(localDir, (ok = fs.existsSync(path.join(localDir, 'shuffle'))));
      return ok;
    };
    maps.forEach((m, mapIndex) => {
      if (!m) {
        throw new FetchFailedError(
          `Missing an output location for shuffle ${shuffleId} partition ${reduceId}`,
          shuffleId,
          mapIndex,
          reduceId,
          '',
        );
      }
      const size = m.sizes[reduceId] ?? 0;
      if (size === 0) return;
      const where = { shuffleId, mapIndex, reduceId, executorId: m.executorId };
      if (m.executorId === this.executorId) {
        sources.push(guarded(() => this.localFrames(this.shuffleDir, shuffleId, m.mapId, reduceId), where));
      } else if (this.readHostLocalDisk && m.host === this.host && m.localDir && hostLocalDir(m.localDir)) {
        // Same host: read the other executor's files directly instead of going through the network.
        const dir = path.join(m.localDir, 'shuffle');
        sources.push(guarded(() => this.localFrames(dir, shuffleId, m.mapId, reduceId), where));
      } else {
        let group = remote.get(m.executorId);
        if (!group) remote.set(m.executorId, (group = { executorId: m.executorId, host: m.host, port: m.port, blocks: [] }));
        group.blocks.push({ blockId: `shuffle_${shuffleId}_${m.mapId}_${reduceId}`, size, mapIndex });
      }
    });
    if (remote.size > 0) sources.push(...this.fetchRemote([...remote.values()], shuffleId, reduceId, spillDir()));
    return sources;
  }

  private fetchRemote(
    groups: RemoteShuffleFetch['groups'],
    shuffleId: number,
    reduceId: number,
    dir: string,
  ): Array<Iterable<unknown[]>> {
    const request: RemoteShuffleFetch = { groups, dir, spillAboveBytes: this.maxInMemoryFetchBytes };
    const results = this.caller.call<RemoteShuffleFetchResult>('fetchShuffleBlocks', request);
    const out: Array<Iterable<unknown[]>> = [];
    for (const r of results) {
      if (!r.ok) {
        throw new FetchFailedError(
          `Failed to fetch shuffle ${shuffleId} blocks for reduce partition ${reduceId} from executor ${r.executorId}: ${r.message}`,
          shuffleId,
          r.mapIndex,
          reduceId,
          r.executorId,
        );
      }
      for (const b of r.blocks) {
        const where = { shuffleId, mapIndex: b.mapIndex, reduceId, executorId: r.executorId };
        out.push(
          guarded(() => {
            if (b.bytes) return readFrames(b.bytes, `shuffle_${shuffleId}_${b.mapIndex}_${reduceId}`);
            return fileSegmentFrames(b.file!, 0, fs.statSync(b.file!).size);
          }, where),
        );
      }
    }
    return out;
  }

  private localFrames(dir: string, shuffleId: number, mapId: number, reduceId: number): Iterable<unknown[]> {
    const index = path.join(dir, shuffleIndexFileName(shuffleId, mapId));
    const data = path.join(dir, shuffleDataFileName(shuffleId, mapId));
    const { offset, length } = readIndexFile(index, reduceId);
    return fileSegmentFrames(data, offset, length);
  }
}

/** Opens the frames lazily and turns any read error into a FetchFailedError. */
function guarded(
  open: () => Iterable<unknown[]>,
  where: { shuffleId: number; mapIndex: number; reduceId: number; executorId: string },
): Iterable<unknown[]> {
  return {
    *[Symbol.iterator]() {
      let it: Iterator<unknown[]>;
      try {
        it = open()[Symbol.iterator]();
      } catch (e) {
        throw fetchFailed(e, where);
      }
      for (;;) {
        let r: IteratorResult<unknown[]>;
        try {
          r = it.next();
        } catch (e) {
          throw fetchFailed(e, where);
        }
        if (r.done) return;
        yield r.value;
      }
    },
  };
}

function fetchFailed(e: unknown, w: { shuffleId: number; mapIndex: number; reduceId: number; executorId: string }): FetchFailedError {
  if (e instanceof FetchFailedError) return e;
  return new FetchFailedError(
    `Failed to fetch shuffle_${w.shuffleId}_${w.mapIndex}_${w.reduceId} from executor ${w.executorId}: ${(e as Error).message}`,
    w.shuffleId,
    w.mapIndex,
    w.reduceId,
    w.executorId,
  );
}
