import * as v8 from 'node:v8';
import { ProtocolError } from '../errors.js';
import type { TaskEndReason } from '../scheduler/task-end-reason.js';
import type { BlockUpdate, DirectTaskResult } from '../scheduler/task-result.js';

/** The bytes a FINISHED status update carries; the task's value stays serialized until the driver reads it. */
interface EncodedResult {
  valueBytes: Uint8Array;
  accumulatorUpdates: Array<{ id: number; value: unknown }>;
  blockUpdates: BlockUpdate[];
  durationMs: number;
}

export function encodeTaskResult(result: EncodedResult): Uint8Array {
  return v8.serialize(result);
}

export function decodeTaskResult(bytes: Uint8Array): DirectTaskResult {
  try {
    const r = v8.deserialize(bytes) as EncodedResult;
    return {
      value: v8.deserialize(r.valueBytes),
      accumulatorUpdates: r.accumulatorUpdates,
      blockUpdates: r.blockUpdates,
      durationMs: r.durationMs,
      resultBytes: r.valueBytes.byteLength,
    };
  } catch (e) {
    throw new ProtocolError(`Corrupt task result (${bytes.byteLength} bytes): ${(e as Error).message}`);
  }
}

export function encodeTaskFailure(reason: TaskEndReason): Uint8Array {
  return v8.serialize(reason);
}

export function decodeTaskFailure(bytes: Uint8Array): TaskEndReason {
  try {
    return v8.deserialize(bytes) as TaskEndReason;
  } catch (e) {
    throw new ProtocolError(`Corrupt task failure (${bytes.byteLength} bytes): ${(e as Error).message}`);
  }
}
