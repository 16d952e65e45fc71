import { BlockError } from '../errors.js';

/**
 * A remote block could not be fetched (missing, refused, or the peer unreachable). Carries the
 * block and peer so the shuffle reader can turn it into a FetchFailedError for that map output.
 */
export class BlockFetchError extends BlockError {
  constructor(
    message: string,
    readonly blockId: string,
    readonly host: string,
    readonly port: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
