import { expect } from 'chai';
import { IllegalArgumentError } from '../errors.js';
import { encodeKey } from './key-encoding.js';
import { KeyMap } from './key-map.js';
import { mixedKeys } from './test-keys.test-helper.js';

describe('KeyMap', () => {
  it('treats arrays with equal contents as one key', () => {
    const m = new KeyMap<number>();
    m.set([1, 'a'], 1);
    expect(m.get([1, 'a'])).to.equal(1);
    expect(m.has([1, 'a'])).to.equal(true);
    m.set([1, 'a'], 2);
    expect(m.size).to.equal(1);
    expect(m.get([1, 'a'])).to.equal(2);
    m.set([[1, 2], [null, true, 5n]], 3);
    expect(m.get([[1, 2], [null, true, 5n]])).to.equal(3);
    expect(m.get([[1, 2], [null, true, 6n]])).to.equal(undefined);
  });

  it('makes -0 and 0 one key and NaN equal to NaN, also inside arrays', () => {
    const m = new KeyMap<string>();
    m.set(-0, 'zero');
    expect(m.get(0)).to.equal('zero');
    m.set(NaN, 'nan');
    expect(m.get(Number('x'))).to.equal('nan');
    m.set([-0, NaN], 'arr');
    expect(m.get([0, NaN])).to.equal('arr');
    expect(m.size).to.equal(3);
  });

  it('keeps keys of different types apart', () => {
    const m = new KeyMap<string>();
    const keys: unknown[] = [
      1, '1', 1n, true, 'true', null, 'null', [], '[]', [1], ['1'], [1n], [[1]], [true], [null], ['a', 'b'], ['ab'],
      ['a,b'], ['s1:a'], ['', ''], [''], [[], []], [[[]]], [1, [2]], [[1], 2], 1.5, [1.5], ['n1;'],
    ];
    keys.forEach((k, i) => m.set(k, `v${i}`));
    expect(m.size).to.equal(keys.length);
    keys.forEach((k, i) => expect(m.get(k)).to.equal(`v${i}`));
  });

  it('stores bigints by value', () => {
    const m = new KeyMap<number>();
    m.set(2n ** 80n, 1);
    expect(m.get(BigInt('1208925819614629174706176'))).to.equal(1);
    expect(m.get(2 ** 80)).to.equal(undefined);
  });

  it('returns original keys from entries(), keys() and iteration', () => {
    const m = new KeyMap<number>();
    const arrayKey = ['x', 1];
    m.set('a', 1).set(arrayKey, 2).set(3n, 3);
    const entries = [...m.entries()];
    expect(entries).to.deep.equal([['a', 1], [3n, 3], [['x', 1], 2]]);
    expect(entries[2][0]).to.equal(arrayKey);
    expect([...m.keys()]).to.deep.equal(['a', 3n, ['x', 1]]);
    expect([...m.values()]).to.deep.equal([1, 3, 2]);
    expect([...m]).to.deep.equal(entries);
  });

  it('visits the same entries in the same order with forEach() as with entries()', () => {
    const m = new KeyMap<number>();
    const keys: unknown[] = ['b', [1, 'x'], 2, null, [2], 'a', 3n, true, [1, 'x'], -0];
    keys.forEach((k, i) => m.set(k, i));
    const visited: Array<[unknown, number]> = [];
    m.forEach((value, key) => visited.push([key, value]));
    expect(visited).to.deep.equal([...m.entries()]);
    expect(visited.length).to.equal(m.size);
    new KeyMap<number>().forEach(() => expect.fail('empty map'));
  });

  it('deletes, clears and updates', () => {
    const m = new KeyMap<number>();
    m.set('a', 1).set(['a'], 2);
    expect(m.delete(['a'])).to.equal(true);
    expect(m.delete(['a'])).to.equal(false);
    expect(m.delete('a')).to.equal(true);
    expect(m.size).to.equal(0);
    for (const k of ['w', ['w', 1], 'w', ['w', 1], ['w', 1]]) m.update(k, (v) => (v ?? 0) + 1);
    expect(m.get('w')).to.equal(2);
    expect(m.get(['w', 1])).to.equal(3);
    m.clear();
    expect(m.size).to.equal(0);
    expect(m.has('w')).to.equal(false);
  });

  it('rejects unsupported keys', () => {
    const m = new KeyMap<number>();
    expect(() => m.set({}, 1)).to.throw(IllegalArgumentError, /object \(Object\)/);
    expect(() => m.get(undefined)).to.throw(IllegalArgumentError, /undefined/);
    expect(() => m.has(Symbol('s'))).to.throw(IllegalArgumentError, /symbol/);
    expect(() => m.set([1, () => 1], 1)).to.throw(IllegalArgumentError, /function/);
  });

  it('agrees with encodeKey equality on random keys', () => {
    const keys = mixedKeys(300, 11);
    const m = new KeyMap<unknown>();
    const byEncoding = new Map<string, unknown>();
    for (const k of keys) {
      m.set(k, k);
      byEncoding.set(encodeKey(k), k);
    }
    expect(m.size).to.equal(byEncoding.size);
    // A structurally cloned key is the same key.
    for (const k of keys) expect(m.has(structuredClone(k))).to.equal(true);
  });
});

describe('encodeKey', () => {
  it('is type-tagged and unambiguous', () => {
    expect(encodeKey(['1'])).to.not.equal(encodeKey([1]));
    expect(encodeKey([1])).to.not.equal(encodeKey([1n]));
    expect(encodeKey(['a', 'b'])).to.not.equal(encodeKey(['ab']));
    expect(encodeKey([[1], 2])).to.not.equal(encodeKey([1, [2]]));
    expect(encodeKey(-0)).to.equal(encodeKey(0));
    expect(encodeKey([1, 'x', null, true, 2n])).to.equal('[n1;s1:xztb2;]');
  });
});
