import { expect } from 'chai';
import { codecFor } from './mesos-codec.js';
import type { SchedulerCall, SchedulerEvent } from './mesos-types.js';

const uuid = Buffer.from('00112233445566778899aabbccddeeff', 'hex').toString('base64');

describe('Mesos codecs (application/json and application/x-protobuf)', () => {
  it('protobuf uses the published v1 field numbers: Call.type=2, framework_id=1, acknowledge=8, uuid=3', () => {
    const pb = codecFor('application/x-protobuf');
    const bytes = pb.encodeCall({
      type: 'ACKNOWLEDGE',
      framework_id: { value: 'f' },
      acknowledge: { agent_id: { value: 'a' }, task_id: { value: 't' }, uuid },
    });
    // field 1 (framework_id, LEN) = {1: "f"}; field 2 (type, VARINT) = ACKNOWLEDGE (8);
    // field 8 (acknowledge, LEN) = {1: {1:"a"}, 2: {1:"t"}, 3: 16 bytes}
    const expected = Buffer.concat([
      Buffer.from([0x0a, 0x03, 0x0a, 0x01, 0x66]),
      Buffer.from([0x10, 0x08]),
      Buffer.from([0x42, 0x1c, 0x0a, 0x03, 0x0a, 0x01, 0x61, 0x12, 0x03, 0x0a, 0x01, 0x74, 0x1a, 0x10]),
      Buffer.from('00112233445566778899aabbccddeeff', 'hex'),
    ]);
    expect(bytes.toString('hex')).to.equal(expected.toString('hex'));
    expect(pb.decodeCall(bytes)).to.deep.equal({
      type: 'ACKNOWLEDGE',
      framework_id: { value: 'f' },
      acknowledge: { agent_id: { value: 'a' }, task_id: { value: 't' }, uuid },
    });
  });

  it('REVIVE and SUPPRESS payloads sit at fields 15 and 16', () => {
    const pb = codecFor('application/x-protobuf');
    const revive = pb.encodeCall({ type: 'REVIVE', revive: { roles: ['r'] } });
    expect(revive.toString('hex')).to.equal('1005' + '7a03' + '0a0172');
    const suppress = pb.encodeCall({ type: 'SUPPRESS', suppress: { roles: ['r'] } });
    expect(suppress.toString('hex')).to.equal('100c' + '8201' + '03' + '0a0172');
  });

  it('round-trips a full OFFERS and UPDATE event in both encodings to the same snake_case shape', () => {
    const events: SchedulerEvent[] = [
      {
        type: 'OFFERS',
        offers: {
          offers: [
            {
              id: { value: 'o1' },
              framework_id: { value: 'f' },
              agent_id: { value: 'a1' },
              hostname: 'h1',
              resources: [
                { name: 'cpus', type: 'SCALAR', scalar: { value: 2.5 }, role: '*', allocation_info: { role: '*' } },
                { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] }, role: '*' },
              ],
              attributes: [{ name: 'rack', type: 'TEXT', text: { value: 'r1' } }],
            },
          ],
        },
      },
      {
        type: 'UPDATE',
        update: {
          status: {
            task_id: { value: '3' },
            state: 'TASK_FAILED',
            message: 'exit 1 ✗ 日本',
            source: 'SOURCE_EXECUTOR',
            reason: 'REASON_COMMAND_EXECUTOR_FAILED',
            agent_id: { value: 'a1' },
            timestamp: 1733300000.5,
            uuid,
          },
        },
      },
      { type: 'HEARTBEAT' },
    ];
    for (const ct of ['application/json', 'application/x-protobuf']) {
      const codec = codecFor(ct);
      for (const e of events) expect(codec.decodeEvent(codec.encodeEvent(e)), ct).to.deep.equal(e);
    }
  });

  it('JSON is exactly the snake_case shape, enums as names, bytes as base64, no nulls', () => {
    const call: SchedulerCall = {
      type: 'DECLINE',
      framework_id: { value: 'f' },
      decline: { offer_ids: [{ value: 'o' }], filters: { refuse_seconds: 120 } },
    };
    expect(codecFor('application/json').encodeCall({ ...call, kill: undefined }).toString()).to.equal(
      '{"type":"DECLINE","framework_id":{"value":"f"},"decline":{"offer_ids":[{"value":"o"}],"filters":{"refuse_seconds":120}}}',
    );
  });

  it('refuses any other content type, naming the key and the two valid values', () => {
    expect(() => codecFor('application/json; charset=utf-8')).to.throw(
      /Invalid kindling.mesos.contentType 'application\/json; charset=utf-8'.*'application\/json' or 'application\/x-protobuf'/,
    );
  });
});
