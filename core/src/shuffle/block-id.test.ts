import { expect } from 'chai';
import { join, resolve } from 'node:path';
import { BlockError } from '../errors.js';
import {
  type BlockId,
  blockFilePath,
  broadcastBlockId,
  formatBlockId,
  parseBlockId,
  rddBlockId,
  shuffleBlockId,
  shuffleDataFileName,
  shuffleIndexFileName,
  taskResultBlockId,
  validateBlockFileName,
} from './block-id.js';

function expectBlockError(fn: () => unknown, fragment: string): void {
  expect(fn).to.throw(BlockError, fragment);
}

describe('shuffle/block-id', () => {
  it('formats the Spark block names', () => {
    expect(shuffleBlockId(1, 2, 3)).to.equal('shuffle_1_2_3');
    expect(shuffleDataFileName(1, 2)).to.equal('shuffle_1_2_0.data');
    expect(shuffleIndexFileName(1, 2)).to.equal('shuffle_1_2_0.index');
    expect(rddBlockId(4, 5)).to.equal('rdd_4_5');
    expect(broadcastBlockId(6)).to.equal('broadcast_6');
    expect(taskResultBlockId(7)).to.equal('taskresult_7');
  });

  it('parses what it formats and formats what it parses', () => {
    const ids: BlockId[] = [
      { kind: 'shuffle', shuffleId: 0, mapId: 12, reduceId: 9999 },
      { kind: 'shuffleData', shuffleId: 3, mapId: 4, reduceId: 0 },
      { kind: 'shuffleIndex', shuffleId: 3, mapId: 4, reduceId: 0 },
      { kind: 'rdd', rddId: 10, partition: 0 },
      { kind: 'broadcast', broadcastId: 42 },
      { kind: 'taskResult', taskId: Number.MAX_SAFE_INTEGER },
    ];
    for (const id of ids) {
      const name = formatBlockId(id);
      expect(parseBlockId(name)).to.deep.equal(id);
      expect(formatBlockId(parseBlockId(name))).to.equal(name);
    }
    expect(parseBlockId(shuffleDataFileName(1, 2))).to.deep.equal({ kind: 'shuffleData', shuffleId: 1, mapId: 2, reduceId: 0 });
  });

  it('rejects unknown and non-canonical ids', () => {
    for (const s of ['', 'shuffle_1_2', 'shuffle_1_2_3_4', 'shuffle_01_2_3', 'shuffle_-1_2_3', 'rdd_1', 'rdd_a_b',
      'broadcast_', 'taskresult_1.5', 'block', 'shuffle_1_2_3.tmp', 'shuffle_99999999999999999999_1_1']) {
      expectBlockError(() => parseBlockId(s), `Unrecognized block id '${s}'`);
    }
    expectBlockError(() => parseBlockId('shuffle_1_2_3/../../etc'), 'Unrecognized block id');
    expectBlockError(() => shuffleBlockId(-1, 0, 0), 'not a non-negative integer');
    expectBlockError(() => rddBlockId(1.5, 0), 'not a non-negative integer');
  });

  it('rejects traversal attempts and unsafe file names', () => {
    const bad = ['../x', 'a/b', 'shuffle_1_2_3/../../etc', '..', '.', '', '/etc/passwd', 'a\\b', '..\\x',
      'C:\\x', 'C:x', 'shuffle_1_2_3\0.data', 'x..', 'x'.repeat(256)];
    for (const name of bad) {
      expectBlockError(() => validateBlockFileName(name), 'is not a valid block name');
      expectBlockError(() => blockFilePath('/tmp/blocks', name), "must not contain path separators or '..'");
    }
    expect(() => validateBlockFileName('a\0b')).to.throw(BlockError, "'a\\x00b'");
  });

  it('accepts plain names and keeps them inside the root', () => {
    expect(validateBlockFileName('shuffle_1_2_0.data.tmp-abc123')).to.equal('shuffle_1_2_0.data.tmp-abc123');
    expect(blockFilePath('/tmp/blocks', 'rdd_1_2')).to.equal(join('/tmp/blocks', 'rdd_1_2'));
    expect(blockFilePath('relative/dir/../blocks', 'broadcast_3')).to.equal(resolve('relative/blocks', 'broadcast_3'));
  });
});
