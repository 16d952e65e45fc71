import { expect } from 'chai';
import { closeSync, openSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { KindlingError, ProtocolError } from '../errors.js';
import { BufferedFileWriter } from './buffered-file-writer.js';
import { FRAME_HEADER_BYTES, FrameWriter, fileSegmentFrames, readFrames } from './record-frames.js';
import { makeTempDir, openFdCount, removeDir } from './shuffle.test-helper.js';

const sample: unknown[] = [
  ['a', 1],
  [12345678901234567890n, null],
  [['x', 1, true, null, -5n], ['nested', ['deep', 2]]],
  [null, undefined],
  [false, { text: 'héllo', n: 1.5 }],
  ['', new Map([[1, 'one']])],
];

function writeFile(path: string, records: unknown[], batchRecords = 2): number {
  const fd = openSync(path, 'w');
  try {
    const frames = new FrameWriter(fd, { batchRecords });
    for (const r of records) frames.write(r);
    frames.flush();
    return frames.bytesWritten;
  } finally {
    closeSync(fd);
  }
}

function flatten(batches: Iterable<unknown[]>): unknown[] {
  const out: unknown[] = [];
  for (const b of batches) out.push(...b);
  return out;
}

function expectProtocolError(fn: () => unknown, ...fragments: string[]): void {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(ProtocolError);
    expect(KindlingError.isKind(e, 'ProtocolError')).to.equal(true);
    for (const f of fragments) expect((e as Error).message).to.contain(f);
    return;
  }
  expect.fail('expected a ProtocolError');
}

describe('shuffle/record-frames', () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir('frames');
  });
  afterEach(() => removeDir(dir));

  it('round-trips records of every key type through a file and a buffer', () => {
    const path = join(dir, 'f.bin');
    const bytes = writeFile(path, sample);
    expect(bytes).to.equal(statSync(path).size);
    expect(flatten(fileSegmentFrames(path, 0, bytes))).to.deep.equal(sample);
    expect(flatten(readFrames(readFileSync(path)))).to.deep.equal(sample);
    // three frames of two records each
    expect([...readFrames(readFileSync(path))].map((b) => b.length)).to.deep.equal([2, 2, 2]);
  });

  it('re-iterates a segment and reads frames larger than the read chunk', () => {
    const path = join(dir, 'big.bin');
    const records = Array.from({ length: 500 }, (_, i) => [`key-${i}`, 'v'.repeat(i % 50)]);
    const bytes = writeFile(path, records, 100);
    const segment = fileSegmentFrames(path, 0, bytes, { chunkBytes: 64 });
    expect(flatten(segment)).to.deep.equal(records);
    expect(flatten(segment)).to.deep.equal(records);
  });

  it('starts a frame when the estimated byte size is reached', () => {
    const path = join(dir, 'sized.bin');
    const fd = openSync(path, 'w');
    const frames = new FrameWriter(fd, { maxFrameBytes: 1024 });
    for (let i = 0; i < 100; i++) frames.write(['k', 'x'.repeat(100)]);
    frames.flush();
    closeSync(fd);
    const batches = [...readFrames(readFileSync(path))];
    expect(batches.length).to.be.greaterThan(10);
    expect(batches.flat().length).to.equal(100);
  });

  it('reads a segment in the middle of a file', () => {
    const path = join(dir, 'mid.bin');
    const fd = openSync(path, 'w');
    const out = new BufferedFileWriter(fd);
    const frames = new FrameWriter(out);
    frames.write(['first', 1]);
    frames.endFrame();
    const start = out.position;
    frames.write(['second', 2]);
    frames.write(['third', 3]);
    frames.endFrame();
    const end = out.position;
    frames.write(['fourth', 4]);
    frames.flush();
    closeSync(fd);
    expect(flatten(fileSegmentFrames(path, start, end - start))).to.deep.equal([
      ['second', 2],
      ['third', 3],
    ]);
  });

  it('yields nothing for an empty segment, without opening the file', () => {
    expect([...fileSegmentFrames(join(dir, 'does-not-exist'), 0, 0)]).to.deep.equal([]);
    expect([...readFrames(Buffer.alloc(0))]).to.deep.equal([]);
  });

  it('reports a truncated file with its path', () => {
    const path = join(dir, 'trunc.bin');
    const bytes = writeFile(path, sample);
    truncateSync(path, bytes - 5);
    expectProtocolError(() => flatten(fileSegmentFrames(path, 0, bytes)), path, 'truncated');
    // Reading what is left: the last frame declares more than the segment holds.
    expectProtocolError(() => flatten(fileSegmentFrames(path, 0, bytes - 5)), path, 'declared length', 'exceeds remaining');
    expectProtocolError(() => flatten(readFrames(readFileSync(path))), '<buffer>', 'exceeds remaining');
  });

  it('reports a garbage length with path, offset, declared and remaining bytes', () => {
    const path = join(dir, 'garbage.bin');
    const payload = serialize([['ok', 1]]);
    const good = Buffer.alloc(FRAME_HEADER_BYTES + payload.length);
    good.writeUInt32LE(payload.length, 0);
    payload.copy(good, FRAME_HEADER_BYTES);
    const bad = Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3]);
    writeFileSync(path, Buffer.concat([good, bad]));
    const size = good.length + bad.length;
    expectProtocolError(
      () => flatten(fileSegmentFrames(path, 0, size)),
      `corrupt shuffle frame in ${path} at offset ${good.length}: declared length 4294967295 exceeds remaining 3 bytes`,
    );
  });

  it('wraps deserialization errors and non-batch payloads', () => {
    const path = join(dir, 'bad-payload.bin');
    const junk = Buffer.from('definitely not v8');
    const header = Buffer.alloc(4);
    header.writeUInt32LE(junk.length, 0);
    writeFileSync(path, Buffer.concat([header, junk]));
    expectProtocolError(() => flatten(fileSegmentFrames(path, 0, 4 + junk.length)), path, 'at offset 0', 'deserialize');

    const notArray = serialize({ not: 'an array' });
    const h2 = Buffer.alloc(4);
    h2.writeUInt32LE(notArray.length, 0);
    expectProtocolError(() => flatten(readFrames(Buffer.concat([h2, notArray]))), 'not a record batch');
    expectProtocolError(() => flatten(readFrames(Buffer.from([1, 0]))), 'too few for a frame header');
  });

  it('closes the file when the consumer stops early', () => {
    const path = join(dir, 'early.bin');
    const bytes = writeFile(path, sample, 1);
    const before = openFdCount();
    for (const batch of fileSegmentFrames(path, 0, bytes)) {
      expect(batch).to.have.length(1);
      break;
    }
    expect(openFdCount()).to.equal(before);
  });
});
