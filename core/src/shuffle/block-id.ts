/**
 * Block ids (Spark's BlockId names) and the file-name safety checks for them. Block names
 * arrive from other processes and become file names, so anything that could escape the
 * block directory is rejected before it reaches the file system.
 */
import { dirname, isAbsolute, resolve, win32 } from 'node:path';
import { BlockError } from '../errors.js';

export type BlockId =
  | { readonly kind: 'shuffle'; readonly shuffleId: number; readonly mapId: number; readonly reduceId: number }
  | { readonly kind: 'shuffleData'; readonly shuffleId: number; readonly mapId: number; readonly reduceId: number }
  | { readonly kind: 'shuffleIndex'; readonly shuffleId: number; readonly mapId: number; readonly reduceId: number }
  | { readonly kind: 'rdd'; readonly rddId: number; readonly partition: number }
  | { readonly kind: 'broadcast'; readonly broadcastId: number }
  | { readonly kind: 'taskResult'; readonly taskId: number };

/** Spark's NOOP_REDUCE_ID: one data/index file pair holds every reduce partition of a map task. */
const NOOP_REDUCE_ID = 0;

// Canonical decimals only (no sign, no leading zeros), so each block has exactly one name.
const N = '(0|[1-9][0-9]*)';
const SHUFFLE = new RegExp(`^shuffle_${N}_${N}_${N}$`);
const SHUFFLE_DATA = new RegExp(`^shuffle_${N}_${N}_${N}\\.data$`);
const SHUFFLE_INDEX = new RegExp(`^shuffle_${N}_${N}_${N}\\.index$`);
const RDD = new RegExp(`^rdd_${N}_${N}$`);
const BROADCAST = new RegExp(`^broadcast_${N}$`);
const TASK_RESULT = new RegExp(`^taskresult_${N}$`);
const MAX_NAME_LENGTH = 255;

export function shuffleBlockId(shuffleId: number, mapId: number, reduceId: number): string {
  return `shuffle_${id(shuffleId)}_${id(mapId)}_${id(reduceId)}`;
}

export function shuffleDataFileName(shuffleId: number, mapId: number): string {
  return `${shuffleBlockId(shuffleId, mapId, NOOP_REDUCE_ID)}.data`;
}

export function shuffleIndexFileName(shuffleId: number, mapId: number): string {
  return `${shuffleBlockId(shuffleId, mapId, NOOP_REDUCE_ID)}.index`;
}

export function rddBlockId(rddId: number, partition: number): string {
  return `rdd_${id(rddId)}_${id(partition)}`;
}

export function broadcastBlockId(broadcastId: number): string {
  return `broadcast_${id(broadcastId)}`;
}

export function taskResultBlockId(taskId: number): string {
  return `taskresult_${id(taskId)}`;
}

export function formatBlockId(block: BlockId): string {
  switch (block.kind) {
    case 'shuffle':
      return shuffleBlockId(block.shuffleId, block.mapId, block.reduceId);
    case 'shuffleData':
      return `${shuffleBlockId(block.shuffleId, block.mapId, block.reduceId)}.data`;
    case 'shuffleIndex':
      return `${shuffleBlockId(block.shuffleId, block.mapId, block.reduceId)}.index`;
    case 'rdd':
      return rddBlockId(block.rddId, block.partition);
    case 'broadcast':
      return broadcastBlockId(block.broadcastId);
    case 'taskResult':
      return taskResultBlockId(block.taskId);
  }
}

export function parseBlockId(s: string): BlockId {
  if (typeof s === 'string') {
    let m: RegExpExecArray | null;
    if ((m = SHUFFLE.exec(s))) return { kind: 'shuffle', ...shuffleParts(m, s) };
    if ((m = SHUFFLE_DATA.exec(s))) return { kind: 'shuffleData', ...shuffleParts(m, s) };
    if ((m = SHUFFLE_INDEX.exec(s))) return { kind: 'shuffleIndex', ...shuffleParts(m, s) };
    if ((m = RDD.exec(s))) return { kind: 'rdd', rddId: num(m[1], s), partition: num(m[2], s) };
    if ((m = BROADCAST.exec(s))) return { kind: 'broadcast', broadcastId: num(m[1], s) };
    if ((m = TASK_RESULT.exec(s))) return { kind: 'taskResult', taskId: num(m[1], s) };
  }
  throw new BlockError(`Unrecognized block id '${printable(s)}'`);
}

/**
 * Rejects names that are not a single plain file name: empty, '.', anything with a path
 * separator, '..', NUL, or an absolute / drive-relative path. Returns the name.
 */
export function validateBlockFileName(name: string): string {
  if (
    typeof name !== 'string' ||
    name.length === 0 ||
    name.length > MAX_NAME_LENGTH ||
    name === '.' ||
    name.includes('/') ||
    name.includes('\\') ||
    name.includes('..') ||
    name.includes('\0') ||
    isAbsolute(name) ||
    win32.isAbsolute(name) ||
    /^[A-Za-z]:/.test(name)
  ) {
    throw new BlockError(
      `Block id '${printable(name)}' is not a valid block name; it must not contain path separators or '..'`,
    );
  }
  return name;
}

/** Path of block file `name` in `rootDir`; checks containment again after resolving (defence in depth). */
export function blockFilePath(rootDir: string, name: string): string {
  validateBlockFileName(name);
  const root = resolve(rootDir);
  const full = resolve(root, name);
  if (dirname(full) !== root) {
    throw new BlockError(`Block file for '${printable(name)}' would resolve outside ${root}`);
  }
  return full;
}

function shuffleParts(m: RegExpExecArray, s: string): { shuffleId: number; mapId: number; reduceId: number } {
  return { shuffleId: num(m[1], s), mapId: num(m[2], s), reduceId: num(m[3], s) };
}

function num(digits: string, s: string): number {
  const n = Number(digits);
  if (!Number.isSafeInteger(n)) throw new BlockError(`Unrecognized block id '${printable(s)}'`);
  return n;
}

function id(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new BlockError(`Block id component ${String(n)} is not a non-negative integer`);
  return String(n);
}

/** Keeps error messages single-line and NUL-free whatever the input was. */
function printable(s: unknown): string {
  return String(s).replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
