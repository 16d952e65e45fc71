import { expect } from 'chai';
import { ProtocolError } from '../errors.js';
import { decodeEnvelope, encodeEnvelope, isMessageType, messageTypes } from './proto-messages.js';

const bytes = (...b: number[]): Buffer => Buffer.from(b);

/** One message of every type, every field set to a non-default value. */
const SAMPLES: Record<string, Record<string, unknown>> = {
  authChallenge: { nonce: bytes(1, 2, 3, 0, 255) },
  authResponse: { clientNonce: bytes(9, 8), proof: bytes(7, 6, 5) },
  authResult: { ok: true, proof: bytes(4), message: 'fine' },
  ack: {},
  error: { name: 'BlockError', message: 'boom', stack: 'BlockError: boom\n    at x' },
  retrieveAppConfig: { executorId: 'exec-1' },
  appConfig: { entries: { 'kindling.app.name': 'wc', 'kindling.executor.memory': '1g', 'kindling.empty': '' }, appId: 'app-1' },
  registerExecutor: { executorId: '7', host: 'node-1.example', cores: 8, blockPort: 40123, localDir: '/tmp/k', pid: 4242 },
  launchedExecutor: { executorId: '7' },
  statusUpdate: { executorId: '7', taskId: Number.MAX_SAFE_INTEGER, state: 'FINISHED' },
  heartbeat: { executorId: '7', activeTasks: 3 },
  fetchTaskBinary: { binaryId: 12 },
  fetchBroadcast: { broadcastId: 13, offset: 4194304, length: 4194304 },
  launchTask: {
    taskId: 2 ** 40 + 5,
    attemptNumber: 1,
    executorId: '7',
    name: 'task 5.1 in stage 2.0',
    index: 5,
    kind: 'shuffleMap',
    stageId: 2,
    stageAttemptId: 1,
    partition: 5,
    outputId: 6,
    jobId: 1,
    epoch: 3,
    binaryId: 12,
  },
  killTask: { taskId: 2 ** 33, reason: 'stage cancelled', interruptThread: true },
  stopExecutor: { reason: 'driver stopped' },
  removeRdd: { rddId: 4 },
  removeBroadcast: { broadcastId: 13 },
  fetchBlock: { blockId: 'shuffle_1_2_3' },
  blockData: { blockId: 'rdd_1_2', found: true, size: 2 ** 32 + 1 },
  fetchAppPackage: { hash: 'ab'.repeat(32), offset: 2 ** 32 + 5, length: 4194304 },
  appPackageData: { hash: 'cd'.repeat(32), size: 2 ** 33, appName: 'wordcount' },
};

describe('rpc/proto-messages', () => {
  it('knows every message type of kindling.proto', () => {
    expect(messageTypes()).to.have.members(Object.keys(SAMPLES));
    expect(isMessageType('fetchBlock')).to.equal(true);
    expect(isMessageType('payload')).to.equal(false);
  });

  for (const [type, payload] of Object.entries(SAMPLES)) {
    it(`round-trips ${type}`, () => {
      const decoded = decodeEnvelope(encodeEnvelope({ type, payload, requestId: 17, replyTo: 0xffff_ffff }));
      expect(decoded).to.deep.equal({ type, payload, requestId: 17, replyTo: 0xffff_ffff });
    });
  }

  it('fills defaults for fields that were not set', () => {
    const decoded = decodeEnvelope(encodeEnvelope({ type: 'authResult', payload: { ok: false } }));
    expect(decoded.requestId).to.equal(0);
    expect(decoded.replyTo).to.equal(0);
    expect(decoded.payload['message']).to.equal('');
    expect(Buffer.from(decoded.payload['proof'] as Uint8Array).length).to.equal(0);
    expect(decodeEnvelope(encodeEnvelope({ type: 'appConfig' })).payload['entries']).to.deep.equal({});
  });

  it('rejects unknown types and wrongly typed fields', () => {
    expect(() => encodeEnvelope({ type: 'nope', payload: {} })).to.throw(ProtocolError, /Unknown RPC message type 'nope'/);
    expect(() => encodeEnvelope({ type: 'fetchBlock', payload: { blockId: 3 } })).to.throw(
      ProtocolError,
      /Invalid 'fetchBlock' message: fetchBlock\.blockId: string expected/,
    );
    expect(() => encodeEnvelope({ type: 'ack', requestId: -1 })).to.throw(ProtocolError, /requestId/);
  });

  it('rejects garbage and empty envelopes', () => {
    expect(() => decodeEnvelope(bytes(0xff, 0xff, 0xff, 0xff))).to.throw(ProtocolError, /Malformed RPC envelope/);
    expect(() => decodeEnvelope(new Uint8Array(0))).to.throw(ProtocolError, /carries no message/);
  });
});
