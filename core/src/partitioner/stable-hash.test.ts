import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { KindlingError } from '../errors.js';
import { fmix32, stableHash, stringHash } from './stable-hash.js';
import { keyFromJson, type KeyJson } from './test-keys.test-helper.js';

const GOLDEN_URL = new URL('../../testdata/partitioner/stable-hash-golden.json', import.meta.url);

// Independent BigInt model of murmur3 fmix32, to check the Math.imul version against.
function referenceFmix32(h: number): number {
  const M = 0xffffffffn;
  let x = BigInt(h >>> 0);
  x ^= x >> 16n;
  x = (x * 0x85ebca6bn) & M;
  x ^= x >> 13n;
  x = (x * 0xc2b2ae35n) & M;
  x ^= x >> 16n;
  return Number(BigInt.asIntN(32, x));
}

describe('stableHash', () => {
  it('matches the checked-in golden values', () => {
    const golden = JSON.parse(readFileSync(GOLDEN_URL, 'utf8')) as { entries: Array<{ key: KeyJson; hash: number }> };
    expect(golden.entries.length).to.be.greaterThan(50);
    for (const { key, hash } of golden.entries) {
      expect(stableHash(keyFromJson(key)), JSON.stringify(key)).to.equal(hash);
    }
  });

  it('is Java String.hashCode followed by murmur3 fmix32', () => {
    expect(stringHash('abc')).to.equal(96354);
    expect(stringHash('hello world')).to.equal(1794106052);
    expect(stringHash('polygenelubricants')).to.equal(-2147483648);
    for (const s of ['', 'abc', 'hello world', '\ud83d\ude00']) {
      expect(stableHash(s)).to.equal(referenceFmix32(stringHash(s)));
    }
    for (const h of [0, 1, -1, 96354, 0x7fffffff, -0x80000000, 123456789]) {
      expect(fmix32(h)).to.equal(referenceFmix32(h));
    }
  });

  it('returns 32-bit signed integers', () => {
    for (const k of ['x', 1.5, -7, 2n ** 100n, [1, 'a'], true, null]) {
      const h = stableHash(k);
      expect(h).to.equal(h | 0);
    }
  });

  it('hashes numbers by value: int32 directly, others by float64 bits', () => {
    expect(stableHash(-0)).to.equal(stableHash(0));
    expect(stableHash(0)).to.equal(0);
    expect(stableHash(7)).to.equal(fmix32(7));
    expect(stableHash(-7)).to.equal(fmix32(-7));
    expect(stableHash(NaN)).to.equal(stableHash(Number('not a number')));
    expect(stableHash(NaN)).to.equal(stableHash(0 / 0));
    expect(stableHash(2 ** 31)).to.not.equal(stableHash(2 ** 31 + 1));
    expect(stableHash(0.1)).to.not.equal(stableHash(0.2));
  });

  it('hashes booleans like Java and null as 0', () => {
    expect(stableHash(true)).to.equal(fmix32(1231));
    expect(stableHash(false)).to.equal(fmix32(1237));
    expect(stableHash(null)).to.equal(0);
  });

  it('hashes bigints by value, with sign', () => {
    expect(stableHash(2n ** 70n)).to.equal(stableHash(BigInt('1180591620717411303424')));
    expect(stableHash(5n)).to.not.equal(stableHash(-5n));
    expect(stableHash(2n ** 64n)).to.not.equal(stableHash(-(2n ** 64n)));
    expect(stableHash(0n)).to.not.equal(stableHash(-1n));
  });

  it('hashes arrays by value and keeps [x] apart from x', () => {
    expect(stableHash([1, 'a', [true, null]])).to.equal(stableHash([1, 'a', [true, null]]));
    expect(stableHash([1, 'a'])).to.not.equal(stableHash(['a', 1]));
    for (const x of [0, 1, 'a', '', null, true, 3n, [], [1]]) {
      expect(stableHash([x]), JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))).to.not.equal(
        stableHash(x),
      );
    }
    expect(stableHash([])).to.not.equal(stableHash([[]]));
  });

  it('rejects unsupported key types with a hint', () => {
    const bad: Array<[unknown, string]> = [
      [undefined, 'undefined'],
      [{ a: 1 }, 'object (Object)'],
      [new Map(), 'object (Map)'],
      [new Date(0), 'object (Date)'],
      [Object.create(null), 'object (Object)'],
      [() => 1, 'function'],
      [Symbol('s'), 'symbol'],
      [[1, undefined], 'undefined'],
      [[1, [{}]], 'object (Object)'],
      [new Uint8Array(2), 'object (Uint8Array)'],
    ];
    for (const [key, type] of bad) {
      try {
        stableHash(key);
        expect.fail(`expected ${type} to be rejected`);
      } catch (e) {
        expect(KindlingError.isKind(e, 'IllegalArgumentError')).to.equal(true);
        expect((e as Error).message).to.include(type);
        expect((e as Error).message).to.include('use a string, number, boolean, null, bigint or an array of these');
      }
    }
    // A sparse array's hole reads as undefined.
    expect(() => stableHash(new Array(2))).to.throw(/undefined/);
  });
});
