import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { KindlingError } from '../errors.js';
import { FrameWriter, fileSegmentFrames } from '../shuffle/record-frames.js';
import { formatLine } from './result-actions.js';

/** Text is compressed in independent gzip members of about this much input (RFC 1952 allows concatenation). */
const GZIP_MEMBER_BYTES = 1 << 20;

/** Writes one line per record (Spark's toString form); `gzip` emits a multi-member gzip stream. */
export function writeTextLines(fd: number, it: Iterator<unknown>, gzip: boolean): void {
  const limit = gzip ? GZIP_MEMBER_BYTES : 1 << 16;
  let chunk = '';
  const flush = () => {
    if (chunk && gzip) fs.writeSync(fd, zlib.gzipSync(chunk));
    else if (chunk) fs.writeSync(fd, chunk);
    chunk = '';
  };
  for (let x = it.next(); !x.done; x = it.next()) {
    chunk += `${formatLine(x.value)}\n`;
    if (chunk.length > limit) flush();
  }
  flush();
}

/** saveAsObjectFile's format: record frames ([u32 LE length][v8.serialize(batch)]), as shuffle files. */
export function writeObjects(fd: number, it: Iterator<unknown>): void {
  const w = new FrameWriter(fd);
  for (let x = it.next(); !x.done; x = it.next()) w.write(x.value);
  w.flush();
}

export function* readObjects(file: string): Generator<unknown, void, undefined> {
  const size = fs.statSync(file).size;
  for (const batch of fileSegmentFrames(file, 0, size)) yield* batch;
}

export function isGzipFile(file: string): boolean {
  return file.endsWith('.gz');
}

/** Compressed files up to this size are inflated in memory; larger ones stream to a scratch file. */
const IN_MEMORY_GZIP_BYTES = 8 * 1024 * 1024;

/**
 * The decompressed bytes of a .gz file, as a path to read. zlib has no synchronous streaming
 * API and tasks are synchronous, so a large file is inflated by a child Node process into the
 * task's scratch directory instead of into memory.
 */
export function gunzipToFile(file: string, scratchDir: string): string {
  const out = path.join(scratchDir, `gunzip-${path.basename(file)}-${process.hrtime.bigint()}`);
  if (fs.statSync(file).size <= IN_MEMORY_GZIP_BYTES) {
    fs.writeFileSync(out, gunzip(file));
    return out;
  }
  const script =
    "const fs=require('fs'),zlib=require('zlib'),{pipeline}=require('stream');" +
    'pipeline(fs.createReadStream(process.argv[1]),zlib.createGunzip(),fs.createWriteStream(process.argv[2]),' +
    '(e)=>{if(e){process.stderr.write(String(e.message));process.exit(1)}})';
  const r = spawnSync(process.execPath, ['-e', script, file, out], { encoding: 'utf8' });
  if (r.status !== 0) throw new KindlingError(`Cannot decompress gzip file ${file}: ${r.error?.message ?? r.stderr}`);
  return out;
}

/** The whole decompressed content (wholeTextFiles reads files whole anyway). */
export function gunzip(file: string): Buffer {
  try {
    return zlib.gunzipSync(fs.readFileSync(file));
  } catch (e) {
    throw new KindlingError(`Cannot decompress gzip file ${file}: ${(e as Error).message}`, { cause: e });
  }
}
