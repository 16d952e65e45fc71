import { expect } from 'chai';
import fc from 'fast-check';
import { encodeRecord, RecordIoDecoder } from './recordio.js';
import { RecordIoError } from './mesos-errors.js';

/** Splits `bytes` at the given cut points (sorted, deduplicated) and decodes chunk by chunk. */
function decodeChunked(bytes: Buffer, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const decoder = new RecordIoDecoder();
  const out: string[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    for (const r of decoder.push(bytes.subarray(prev, p))) out.push(r.toString('utf8'));
    prev = p;
  }
  expect(decoder.pendingBytes()).to.equal(0);
  return out;
}

// Payloads with multi-byte UTF-8: 2-, 3- and 4-byte characters (é, 日本, emoji).
const payload = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
  fc.constantFrom('{"type":"HEARTBEAT"}', '{"name":"日本"}', 'é😀x', '{"message":"ok ✓"}'),
);

describe('RecordIO decoder (parsing on bytes)', () => {
  it('decodes a record split inside its length prefix and inside a multi-byte character', () => {
    const json = JSON.stringify({ type: 'UPDATE', update: { status: { message: '日本語 😀' } } });
    const bytes = encodeRecord(Buffer.from(json, 'utf8'));
    const header = String(Buffer.byteLength(json)).length;
    // Byte length differs from string length: the prefix counts bytes.
    expect(Buffer.byteLength(json)).to.be.greaterThan(json.length);
    const insideEmoji = bytes.indexOf(Buffer.from('😀')) + 2;
    expect(decodeChunked(bytes, [1, header, insideEmoji])).to.deep.equal([json]);
  });

  it('decodes several records from one chunk, and leading empty lines', () => {
    const bytes = Buffer.concat([Buffer.from('\n'), encodeRecord(Buffer.from('a')), encodeRecord(Buffer.from('bc'))]);
    expect(new RecordIoDecoder().push(bytes).map(String)).to.deep.equal(['a', 'bc']);
  });

  it('property: any chunking of any stream, cut at EVERY single point, yields the same records', () => {
    fc.assert(
      fc.property(fc.array(payload, { minLength: 1, maxLength: 4 }), (records) => {
        const bytes = Buffer.concat(records.map((r) => encodeRecord(Buffer.from(r, 'utf8'))));
        for (let cut = 0; cut <= bytes.length; cut++) {
          expect(decodeChunked(bytes, [cut])).to.deep.equal(records);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('property: random multi-point chunkings, down to one byte per chunk', () => {
    fc.assert(
      fc.property(fc.array(payload, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 30 }), (records, cuts) => {
        const bytes = Buffer.concat(records.map((r) => encodeRecord(Buffer.from(r, 'utf8'))));
        expect(decodeChunked(bytes, cuts)).to.deep.equal(records);
        const everyByte = Array.from({ length: bytes.length }, (_, i) => i);
        expect(decodeChunked(bytes, everyByte)).to.deep.equal(records);
      }),
      { numRuns: 200 },
    );
  });

  it('property: a header with a non-digit byte fails the stream with RecordIoError, and stays failed', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 0, maxLength: 5 }).map((s) => s.replace(/\n/g, '')),
        fc.integer({ min: 0, max: 255 }).filter((b) => b !== 0x0a && (b < 0x30 || b > 0x39)),
        fc.nat({ max: 99 }),
        (suffix, bad, len) => {
          const decoder = new RecordIoDecoder();
          const bytes = Buffer.concat([Buffer.from(String(len)), Buffer.from([bad]), Buffer.from(suffix)]);
          expect(() => decoder.push(bytes)).to.throw(RecordIoError, /Malformed RecordIO stream/);
          expect(() => decoder.push(encodeRecord(Buffer.from('x')))).to.throw(RecordIoError);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects signs, whitespace, overlong prefixes and records above the limit', () => {
    for (const bad of ['-5\nabcde', '+5\nabcde', ' 5\nabcde', '5 \nabcde']) {
      expect(() => new RecordIoDecoder().push(Buffer.from(bad)), bad).to.throw(RecordIoError);
    }
    expect(() => new RecordIoDecoder().push(Buffer.from('00000000000000001\n'))).to.throw(RecordIoError, /longer than 16 digits/);
    expect(() => new RecordIoDecoder(10).push(Buffer.from('11\n'))).to.throw(RecordIoError, /exceeds the limit of 10 bytes/);
  });

  it('reports a truncated record at end of stream', () => {
    const decoder = new RecordIoDecoder();
    expect(decoder.push(Buffer.from('5\nab'))).to.deep.equal([]);
    expect(decoder.pendingBytes()).to.equal(2);
  });
});
