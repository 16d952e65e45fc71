import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { HashPartitioner } from './hash-partitioner.js';
import { stableHash } from './stable-hash.js';
import { keyToJson, mixedKeys } from './test-keys.test-helper.js';

// The child imports the same compiled modules by absolute file URL and reports, per key,
// its hash and its partition under two HashPartitioners.
const CHILD_SCRIPT = `
import { readFileSync } from 'node:fs';
const { stableHash } = await import(${JSON.stringify(new URL('./stable-hash.js', import.meta.url).href)});
const { HashPartitioner } = await import(${JSON.stringify(new URL('./hash-partitioner.js', import.meta.url).href)});
const { keyFromJson } = await import(${JSON.stringify(new URL('./test-keys.test-helper.js', import.meta.url).href)});
const keys = JSON.parse(readFileSync(0, 'utf8')).map(keyFromJson);
const p8 = new HashPartitioner(8);
const p13 = new HashPartitioner(13);
process.stdout.write(JSON.stringify(keys.map((k) => [stableHash(k), p8.getPartition(k), p13.getPartition(k)])));
`;

function hashesInChild(keys: unknown[], nodeFlags: string[]): number[][] {
  const result = spawnSync(process.execPath, [...nodeFlags, '--input-type=module', '-e', CHILD_SCRIPT], {
    input: JSON.stringify(keys.map(keyToJson)),
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`child failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as number[][];
}

describe('stableHash across processes', function () {
  this.timeout(30000);
  const keys = mixedKeys(400, 2024);
  const p8 = new HashPartitioner(8);
  const p13 = new HashPartitioner(13);
  const expected = keys.map((k) => [stableHash(k), p8.getPartition(k), p13.getPartition(k)]);

  it('generates a varied key set', () => {
    const types = new Set(keys.map((k) => (k === null ? 'null' : Array.isArray(k) ? 'array' : typeof k)));
    expect([...types].sort()).to.deep.equal(['array', 'bigint', 'boolean', 'null', 'number', 'string']);
  });

  for (const flags of [[], ['--hash-seed=1', '--random-seed=2'], ['--hash-seed=987654321', '--random-seed=42']]) {
    it(`gives identical hashes and partitions in a child node ${flags.join(' ') || '(no flags)'}`, () => {
      expect(hashesInChild(keys, flags)).to.deep.equal(expected);
    });
  }
});
