import { decodeEnvelope, encodeEnvelope } from '../rpc/proto-messages.js';
import { ProtocolError } from '../errors.js';
import type { TaskDescription } from '../scheduler/task-description.js';

/**
 * A TaskDescription as the protobuf LaunchTask message that remote executors receive. Local
 * mode round-trips every task through it too, so both paths decode the same bytes.
 */
export function encodeTaskDescription(t: TaskDescription): Uint8Array {
  const { taskId, attemptNumber, executorId, name, index, kind, stageId, stageAttemptId, partition, outputId, jobId, epoch, binaryId } = t;
  return encodeEnvelope({
    type: 'launchTask',
    payload: { taskId, attemptNumber, executorId, name, index, kind, stageId, stageAttemptId, partition, outputId, jobId, epoch, binaryId },
  });
}

export function decodeTaskDescription(bytes: Uint8Array): TaskDescription {
  const envelope = decodeEnvelope(bytes);
  if (envelope.type !== 'launchTask') throw new ProtocolError(`Expected a launchTask message, got '${envelope.type}'`);
  return taskDescriptionOf(envelope.payload);
}

/** A decoded LaunchTask payload, checked field by field. */
export function taskDescriptionOf(p: Record<string, unknown>): TaskDescription {
  const kind = p['kind'];
  if (kind !== 'result' && kind !== 'shuffle-map') throw new ProtocolError(`LaunchTask has an unknown task kind '${String(kind)}'`);
  const num = (k: string) => {
    const v = p[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new ProtocolError(`LaunchTask field ${k} is not a non-negative integer`);
    return v;
  };
  return {
    taskId: num('taskId'),
    attemptNumber: num('attemptNumber'),
    executorId: String(p['executorId'] ?? ''),
    name: String(p['name'] ?? ''),
    index: num('index'),
    kind,
    stageId: num('stageId'),
    stageAttemptId: num('stageAttemptId'),
    partition: num('partition'),
    outputId: num('outputId'),
    jobId: num('jobId'),
    epoch: num('epoch'),
    binaryId: num('binaryId'),
  };
}
