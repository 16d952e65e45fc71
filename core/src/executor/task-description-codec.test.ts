import { expect } from 'chai';
import { ProtocolError } from '../errors.js';
import { decodeTaskDescription, encodeTaskDescription, taskDescriptionOf } from './task-description-codec.js';
import type { TaskDescription } from '../scheduler/task-description.js';

describe('executor/task-description-codec', () => {
  const task: TaskDescription = {
    taskId: 2 ** 40 + 7,
    attemptNumber: 3,
    executorId: 'exec-1',
    name: 'task 5.3 in stage 2.1',
    index: 5,
    kind: 'shuffle-map',
    stageId: 2,
    stageAttemptId: 1,
    partition: 5,
    outputId: 5,
    jobId: 9,
    epoch: 4,
    binaryId: 11,
  };

  it('round-trips through the protobuf LaunchTask message, including large task ids', () => {
    expect(decodeTaskDescription(encodeTaskDescription(task))).to.deep.equal(task);
  });

  it('rejects payloads with an unknown kind or missing numbers', () => {
    expect(() => taskDescriptionOf({ ...task, kind: 'other' })).to.throw(ProtocolError, "unknown task kind 'other'");
    expect(() => taskDescriptionOf({ ...task, stageId: undefined })).to.throw(ProtocolError, 'stageId');
  });
});
