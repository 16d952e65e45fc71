/** Shared fixtures for the shuffle tests (not part of the public API). */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Aggregator } from './aggregator.js';
import type { KeyMapLike } from './key-map-like.js';

/** Value-equality map keyed by a JSON rendering of the key (bigint-aware), standing in for KeyMap. */
export class JsonKeyMap<V> implements KeyMapLike<V> {
  private readonly map = new Map<string, [unknown, V]>();

  get(k: unknown): V | undefined {
    return this.map.get(keyText(k))?.[1];
  }

  has(k: unknown): boolean {
    return this.map.has(keyText(k));
  }

  set(k: unknown, v: V): this {
    this.map.set(keyText(k), [k, v]);
    return this;
  }

  get size(): number {
    return this.map.size;
  }

  *entries(): IterableIterator<[unknown, V]> {
    for (const [k, v] of this.map.values()) yield [k, v];
  }

  clear(): void {
    this.map.clear();
  }
}

/** Adds KeyMap's single-lookup update(), to exercise that path too. */
export class UpdatableJsonKeyMap<V> extends JsonKeyMap<V> {
  updates = 0;

  update(k: unknown, fn: (current: V | undefined) => V): V {
    this.updates++;
    const next = fn(this.get(k));
    this.set(k, next);
    return next;
  }
}

export function keyText(k: unknown): string {
  return JSON.stringify(k, (_key, v: unknown) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v)) ?? 'undefined';
}

export const newJsonKeyMap = (): KeyMapLike<unknown> => new JsonKeyMap<unknown>();

/** Orders strings and numbers (the key types the tests sort). */
export function compareSimple(a: unknown, b: unknown): number {
  return (a as string | number) < (b as string | number) ? -1 : (a as string | number) > (b as string | number) ? 1 : 0;
}

export const sumAggregator: Aggregator<number, number> = {
  createCombiner: (v) => v,
  mergeValue: (c, v) => c + v,
  mergeCombiners: (a, b) => a + b,
};

export const listAggregator: Aggregator<unknown, unknown[]> = {
  createCombiner: (v) => [v],
  mergeValue: (c, v) => {
    c.push(v);
    return c;
  },
  mergeCombiners: (a, b) => {
    for (const v of b) a.push(v);
    return a;
  },
};

export function makeTempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `kindling-shuffle-${label}-`));
}

export function removeDir(dir: string | undefined): void {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}

export function listDir(dir: string): string[] {
  return readdirSync(dir).sort();
}

/** Open descriptors of this process (Linux), to check readers close what they open. */
export function openFdCount(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}

/** Deterministic pseudo-random generator, so failures reproduce. */
export { seededRandom } from '../partitioner/seeded-random.js';
