import { expect } from 'chai';
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { BlockError, MasterUrlError, ProtocolError } from '@kindling/core';
import { encodeFrame, FrameDecoder } from '@kindling/core/internal/rpc/frame-codec';
import { decodeEnvelope, encodeEnvelope, messageTypes, registerRpcMessages } from '@kindling/core/internal/rpc/proto-messages';
import { formatBlockId, parseBlockId, validateBlockFileName } from '@kindling/core/internal/shuffle/block-id';
import { parseLocalClusterUrl, parseLocalMasterUrl } from '@kindling/cluster-manager-local';
import { validateMasterUrl } from '@kindling/deploy';

/**
 * Property-based fuzzing of everything that parses bytes or strings from outside: whatever the
 * input, each parser returns a value or throws its own typed error, never a TypeError or
 * RangeError, and never hangs (each run is bounded; mocha's timeout would catch a hang).
 */
const RUNS = { numRuns: 400 };
const extensionProto = fileURLToPath(new URL('../../../core/testdata/rpc/extension.proto', import.meta.url));

/** Calls f; a thrown error must be an instance of `type`. Returns the value or the error. */
function typedOutcome<T>(f: () => T, type: new (...args: never[]) => Error): T | Error {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof type)) throw new Error(`expected ${type.name}, got ${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e });
    return e;
  }
}

/** Splits bytes at arbitrary points, as TCP may deliver them. */
const chunked = fc
  .tuple(fc.uint8Array({ maxLength: 2048 }), fc.array(fc.nat({ max: 2048 }), { maxLength: 8 }))
  .map(([bytes, cuts]) => {
    const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
    const out: Uint8Array[] = [];
    let prev = 0;
    for (const p of [...points, bytes.length]) {
      out.push(bytes.subarray(prev, p));
      prev = p;
    }
    return out;
  });

describe('fuzzing the frame codec', function () {
  this.timeout(60_000);

  it('random bytes in random chunks: frames or a ProtocolError, and a poisoned decoder stays poisoned', () => {
    fc.assert(
      fc.property(chunked, fc.integer({ min: 8, max: 4096 }), (chunks, max) => {
        const decoder = new FrameDecoder(max);
        let failed: Error | undefined;
        for (const chunk of chunks) {
          const out = typedOutcome(() => decoder.push(chunk), ProtocolError);
          if (out instanceof Error) {
            failed ??= out;
          } else {
            expect(failed, 'no frames after a failure').to.equal(undefined);
            for (const f of out) expect(4 + f.header.byteLength + f.body.byteLength).to.be.at.most(max);
          }
        }
        // Never buffers more than one frame's worth beyond the limit.
        expect(decoder.bufferedBytes).to.be.at.most(max + 4 + 2048);
      }),
      RUNS,
    );
  });

  it('any header and body round-trip through any chunking', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.uint8Array({ maxLength: 4096 }), fc.array(fc.nat(), { maxLength: 6 }), (header, body, cuts) => {
        const bytes = Buffer.concat(encodeFrame(header, body));
        const decoder = new FrameDecoder();
        const frames = [];
        let prev = 0;
        for (const cut of [...cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b), bytes.length]) {
          frames.push(...decoder.push(bytes.subarray(prev, Math.max(prev, cut))));
          prev = Math.max(prev, cut);
        }
        expect(frames).to.have.length(1);
        expect(Buffer.from(frames[0]!.header).equals(Buffer.from(header))).to.equal(true);
        expect(Buffer.from(frames[0]!.body).equals(Buffer.from(body))).to.equal(true);
        expect(decoder.bufferedBytes).to.equal(0);
      }),
      RUNS,
    );
  });

  it('a declared length beyond the limit fails at the 8-byte prefix, before any body is buffered', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1025, max: 0xffff_ffff }), (declared) => {
        const decoder = new FrameDecoder(1024);
        const prefix = Buffer.alloc(8);
        prefix.writeUInt32BE(declared, 0);
        expect(() => decoder.push(prefix)).to.throw(ProtocolError, /exceeds/);
      }),
      RUNS,
    );
  });
});

describe('fuzzing the RPC envelope', function () {
  this.timeout(60_000);
  before(() => registerRpcMessages(extensionProto));

  it('random bytes decode to an envelope of a known type or a ProtocolError', () => {
    const known = new Set([...messageTypes(), 'kindling.testext.Ping', 'kindling.testext.Pong']);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1024 }), (bytes) => {
        const out = typedOutcome(() => decodeEnvelope(bytes), ProtocolError);
        if (!(out instanceof Error)) {
          expect(known.has(out.type), out.type).to.equal(true);
          expect(out.payload).to.be.an('object');
        }
      }),
      RUNS,
    );
  });

  it('valid envelopes (core and Extension messages) with flipped or cut bytes: an envelope or a ProtocolError', () => {
    const samples = [
      encodeEnvelope({ type: 'registerExecutor', payload: { executorId: '1', host: 'h', cores: 2, blockPort: 7, localDir: '/x', pid: 9 }, requestId: 5 }),
      encodeEnvelope({ type: 'statusUpdate', payload: { executorId: '1', taskId: 3, state: 'FINISHED' } }),
      encodeEnvelope({ type: 'kindling.testext.Ping', payload: { text: 'hi', count: 2 ** 40, tags: ['a'] }, requestId: 1 }),
      encodeEnvelope({ type: 'kindling.testext.Pong', payload: { text: 'x' }, replyTo: 1 }),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...samples),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 4 }),
        fc.option(fc.nat()),
        (sample, flips, cut) => {
          const bytes = Buffer.from(sample);
          for (const [at, xor] of flips) bytes[at % bytes.length]! ^= xor;
          const input = cut === null ? bytes : bytes.subarray(0, cut % (bytes.length + 1));
          typedOutcome(() => decodeEnvelope(input), ProtocolError);
        },
      ),
      RUNS,
    );
  });

  it('encoding arbitrary payloads and ids: a frame or a ProtocolError, and what encodes decodes back', () => {
    const types = [...messageTypes(), 'kindling.testext.Ping', 'no.such.Type'];
    fc.assert(
      fc.property(
        fc.constantFrom(...types),
        fc.dictionary(fc.constantFrom('executorId', 'taskId', 'text', 'count', 'tags', 'cores', 'entries', 'ok', 'x'), fc.anything()),
        fc.oneof(fc.nat(), fc.integer(), fc.double()),
        (type, payload, requestId) => {
          const out = typedOutcome(() => encodeEnvelope({ type, payload: payload as Record<string, unknown>, requestId }), ProtocolError);
          if (!(out instanceof Error)) expect(decodeEnvelope(out).type).to.equal(type);
        },
      ),
      RUNS,
    );
  });
});

describe('fuzzing the block-id parser', function () {
  this.timeout(60_000);

  const nearMiss = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc
      .tuple(fc.constantFrom('shuffle_', 'rdd_', 'broadcast_', 'taskresult_', '../', '/', 'shuffle_0_0_0', ''), fc.array(fc.oneof(fc.nat(), fc.bigInt(), fc.constantFrom('_', '.data', '.index', '..', '/', '\\', '\0', '-1', 'e9'))))
      .map(([head, parts]) => head + parts.map(String).join('')),
  );

  it('any string parses to a block id that formats back to it, or a BlockError', () => {
    fc.assert(
      fc.property(nearMiss, (s) => {
        const out = typedOutcome(() => parseBlockId(s), BlockError);
        if (!(out instanceof Error)) expect(formatBlockId(out)).to.equal(s);
      }),
      RUNS,
    );
  });

  it('any name passes validateBlockFileName only if it is one plain file name, else a BlockError', () => {
    fc.assert(
      fc.property(nearMiss, (s) => {
        const out = typedOutcome(() => validateBlockFileName(s), BlockError);
        if (!(out instanceof Error)) {
          expect(out).to.not.match(/[/\\\0]|\.\./);
          expect(out.length).to.be.greaterThan(0);
        }
      }),
      RUNS,
    );
  });
});

describe('fuzzing the master-URL parsers', function () {
  this.timeout(60_000);

  const number = fc.oneof(fc.nat(), fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.constantFrom('*', '-1', '1e3', '', ' 2', '0x10', '99999999999999999999'));
  const localish = fc.oneof(
    fc.string(),
    fc.tuple(number, fc.option(number)).map(([n, f]) => `local[${n}${f === null ? '' : `,${f}`}]`),
    fc.tuple(number, number, number).map(([a, b, c]) => `local-cluster[${a},${b},${c}]`),
    fc.tuple(fc.constantFrom('local', 'local[', 'local-cluster[', 'spark://', 'yarn', 'mesos://', 'k8s://', 'x://'), fc.string()).map(([a, b]) => a + b),
  );

  it('local[...] parses to sane bounds or a MasterUrlError', () => {
    fc.assert(
      fc.property(localish, (url) => {
        const out = typedOutcome(() => parseLocalMasterUrl(url), MasterUrlError);
        if (!(out instanceof Error)) {
          expect(out.threads).to.be.within(1, 4096);
          expect(Number.isSafeInteger(out.maxTaskFailures) && out.maxTaskFailures >= 1).to.equal(true);
        }
      }),
      RUNS,
    );
  });

  it('local-cluster[...] parses to sane bounds or a MasterUrlError', () => {
    fc.assert(
      fc.property(localish, (url) => {
        const out = typedOutcome(() => parseLocalClusterUrl(url), MasterUrlError);
        if (!(out instanceof Error)) {
          expect(out.executors).to.be.within(1, 256);
          expect(out.coresPerExecutor).to.be.within(1, 1024);
          expect(out.memoryPerExecutorMiB).to.be.within(1, 1024 * 1024);
        }
      }),
      RUNS,
    );
  });

  it("kindling-submit's validateMasterUrl returns the URL or a MasterUrlError", () => {
    fc.assert(
      fc.property(localish, (url) => {
        const out = typedOutcome(() => validateMasterUrl(url), MasterUrlError);
        if (!(out instanceof Error)) expect(out).to.equal(url);
      }),
      RUNS,
    );
  });
});
