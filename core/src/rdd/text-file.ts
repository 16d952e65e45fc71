import * as fs from 'node:fs';
import * as path from 'node:path';
import { IllegalArgumentError } from '../errors.js';
import { registerCompute } from './compute-registry.js';
import { gunzipToFile, isGzipFile } from './output-formats.js';
import type { RddDefinition } from './rdd-definition.js';

export interface FileSplit {
  path: string;
  start: number;
  length: number;
  /** A gzip file is one split: a gzip stream cannot be read from the middle. */
  codec?: 'gzip';
}

/** Hadoop's block size for the local file system (fs.local.block.size). */
const LOCAL_BLOCK_SIZE = 32 * 1024 * 1024;
/** Hadoop's SPLIT_SLOP: the last split may be up to 10% larger than the others. */
const SPLIT_SLOP = 1.1;

/** The files behind a path: the file itself, or a directory's visible files in name order. */
export function listInputFiles(inputPath: string): Array<{ path: string; size: number }> {
  const abs = path.resolve(inputPath);
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    throw new IllegalArgumentError(`Input path does not exist: file:${abs}`);
  }
  if (st.isFile()) return [{ path: abs, size: st.size }];
  const files = fs
    .readdirSync(abs, { withFileTypes: true })
    .filter((d) => d.isFile() && !d.name.startsWith('_') && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
  return files.map((name) => ({ path: path.join(abs, name), size: fs.statSync(path.join(abs, name)).size }));
}

/** Hadoop FileInputFormat.getSplits: goal size from minPartitions, capped by the block size. */
export function computeSplits(files: Array<{ path: string; size: number }>, minPartitions: number): FileSplit[] {
  const total = files.reduce((s, f) => s + f.size, 0);
  const goal = Math.floor(total / Math.max(minPartitions, 1));
  const splitSize = Math.max(1, Math.min(goal, LOCAL_BLOCK_SIZE));
  const splits: FileSplit[] = [];
  for (const f of files) {
    let remaining = f.size;
    if (remaining === 0) {
      splits.push({ path: f.path, start: 0, length: 0 });
      continue;
    }
    if (isGzipFile(f.path)) {
      splits.push({ path: f.path, start: 0, length: f.size, codec: 'gzip' });
      continue;
    }
    while (remaining / splitSize > SPLIT_SLOP) {
      splits.push({ path: f.path, start: f.size - remaining, length: splitSize });
      remaining -= splitSize;
    }
    if (remaining > 0) splits.push({ path: f.path, start: f.size - remaining, length: remaining });
  }
  return splits;
}

export function textFileDefinition(inputPath: string, minPartitions: number): RddDefinition {
  const splits = computeSplits(listInputFiles(inputPath), minPartitions);
  return {
    kind: 'text-file',
    className: 'HadoopRDD',
    dependencies: [],
    numPartitions: splits.length,
    planArgs: { splits },
    // The local file system reports its blocks on "localhost", as Hadoop's LocalFileSystem does.
    preferredLocations: () => ['localhost'],
  };
}

const CHUNK = 4 * 1024 * 1024;
const NL = 0x0a;

/**
 * Lines of one split. A line belongs to the split holding its first byte: skip a partial first
 * line, and read past the split end to finish the last line that starts inside it.
 */
export function* readSplitLines(split: FileSplit): Generator<string, void, undefined> {
  if (split.length === 0) return;
  const fd = fs.openSync(split.path, 'r');
  try {
    const end = split.start + split.length;
    let pos = split.start;
    if (pos > 0) {
      const one = Buffer.alloc(1);
      fs.readSync(fd, one, 0, 1, pos - 1);
      if (one[0] !== NL) pos = skipToNextLine(fd, pos);
      if (pos < 0 || pos >= end) return;
    }
    let carry: Buffer | undefined;
    let done = false;
    while (!done && pos >= 0) {
      const chunk = Buffer.allocUnsafe(CHUNK);
      const n = fs.readSync(fd, chunk, 0, CHUNK, pos);
      const chunkStart = pos;
      let data = chunk.subarray(0, n);
      if (carry) data = Buffer.concat([carry, data]);
      const dataStart = chunkStart - (carry?.length ?? 0);
      carry = undefined;
      pos += n;
      if (n === 0) {
        // EOF: the remainder is the last line (no trailing newline).
        if (data.length > 0 && dataStart < end) yield stripCr(data.toString('utf8'));
        break;
      }
      // Only lines starting before `end` are ours: cut at the first newline at or after end-1.
      let limit = data.length;
      const lastOwnedStart = end - 1 - dataStart;
      if (lastOwnedStart < data.length) {
        const nl = data.indexOf(NL, Math.max(0, lastOwnedStart));
        if (nl >= 0) {
          limit = nl + 1;
          done = true;
        }
      }
      const lastNl = done ? limit - 1 : data.lastIndexOf(NL, limit - 1);
      if (lastNl < 0) {
        carry = data;
        continue;
      }
      const text = data.toString('utf8', 0, lastNl);
      if (!done) carry = data.subarray(lastNl + 1);
      let from = 0;
      for (;;) {
        const i = text.indexOf('\n', from);
        if (i < 0) {
          yield stripCr(text.slice(from));
          break;
        }
        yield stripCr(text.slice(from, i));
        from = i + 1;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

function stripCr(line: string): string {
  return line.length > 0 && line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
}

/** Position just after the next newline at or after `pos`, or -1 at EOF. */
function skipToNextLine(fd: number, pos: number): number {
  const buf = Buffer.allocUnsafe(64 * 1024);
  for (;;) {
    const n = fs.readSync(fd, buf, 0, buf.length, pos);
    if (n === 0) return -1;
    const i = buf.subarray(0, n).indexOf(NL);
    if (i >= 0) return pos + i + 1;
    pos += n;
  }
}

registerCompute('text-file', (args: { splits: FileSplit[] }) => (p, tc) => {
  const split = args.splits[p]!;
  if (split.codec !== 'gzip') return readSplitLines(split);
  const plain = gunzipToFile(split.path, tc.spillDir);
  return readSplitLines({ path: plain, start: 0, length: fs.statSync(plain).size });
});
