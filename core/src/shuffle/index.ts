/** Public API of the shuffle module: frames, block ids, map-side writer and reduce-side reader. */
export type { Aggregator } from './aggregator.js';
export {
  type BlockId,
  blockFilePath,
  broadcastBlockId,
  formatBlockId,
  parseBlockId,
  rddBlockId,
  shuffleBlockId,
  shuffleDataFileName,
  shuffleIndexFileName,
  taskResultBlockId,
  validateBlockFileName,
} from './block-id.js';
export { readIndexFile, writeIndexFile } from './index-file.js';
export type { KeyMapLike } from './key-map-like.js';
export {
  FRAME_HEADER_BYTES,
  FrameWriter,
  type FrameWriterOptions,
  type SegmentReadOptions,
  fileSegmentFrames,
  readFrames,
} from './record-frames.js';
export { estimateSize } from './size-estimator.js';
export type { SpillEvent, SpillListener } from './spill-event.js';
export {
  type ShuffleBlockSource,
  type ShuffleReadOptions,
  type ShuffleRecordIterator,
  readShuffle,
} from './shuffle-reader.js';
export { type MapOutput, type ShuffleWriteOptions, writeShuffleOutput } from './shuffle-writer.js';
