import * as path from 'node:path';
import { FetchFailedError } from '../errors.js';
import type { StagePlan } from '../scheduler/stage-plan.js';
import { shuffleDataFileName, shuffleIndexFileName } from '../shuffle/block-id.js';
import { readIndexFile } from '../shuffle/index-file.js';
import { fileSegmentFrames, readFrames } from '../shuffle/record-frames.js';
import type { SyncCaller } from './sync-channel.js';

/**
 * Finds the map output blocks of one reduce partition. Blocks written by this executor are read
 * from its shuffle directory; others are fetched by the executor's main thread. Any failure to
 * read a block is a FetchFailedError, which makes the scheduler re-run the map stage.
 */
export class ShuffleBlockResolver {
  constructor(
    private readonly executorId: string,
    private readonly shuffleDir: string,
    private readonly caller: SyncCaller,
  ) {}

  blocks(plan: StagePlan, shuffleId: number, reduceId: number): Array<Iterable<unknown[]>> {
    const maps = plan.shuffleReads[shuffleId];
    if (!maps) {
      throw new FetchFailedError(`No map output locations for shuffle ${shuffleId}`, shuffleId, -1, reduceId, '');
    }
    const sources: Array<Iterable<unknown[]>> = [];
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
      if ((m.sizes[reduceId] ?? 0) === 0) return;
      const where = { shuffleId, mapIndex, reduceId, executorId: m.executorId };
      if (m.executorId === this.executorId) {
        sources.push(guarded(() => this.localFrames(shuffleId, m.mapId, reduceId), where));
      } else {
        sources.push(
          guarded(() => {
            const bytes = this.caller.call<Uint8Array>('fetchShuffle', { ...where, host: m.host, mapId: m.mapId });
            return readFrames(bytes, `shuffle_${shuffleId}_${m.mapId}_${reduceId}`);
          }, where),
        );
      }
    });
    return sources;
  }

  private localFrames(shuffleId: number, mapId: number, reduceId: number): Iterable<unknown[]> {
    const index = path.join(this.shuffleDir, shuffleIndexFileName(shuffleId, mapId));
    const data = path.join(this.shuffleDir, shuffleDataFileName(shuffleId, mapId));
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
