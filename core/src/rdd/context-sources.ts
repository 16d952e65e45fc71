import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KindlingContext } from '../context/kindling-context.js';
import { IllegalArgumentError } from '../errors.js';
import { objectFileDefinition, wholeTextFilesDefinition } from './file-sources.js';
import type { RDD } from './rdd.js';
import { callSiteLabel } from './ship.js';
import { unionDefinition } from './union.js';
import { v8Cloneable } from './v8-cloneable.js';
import { registerCompute } from './compute-registry.js';

/** The context's RDD sources beyond parallelize, range and textFile. */
export function union<T>(kc: KindlingContext, rdds: RDD<T>[]): RDD<T> {
  if (!Array.isArray(rdds) || rdds.length === 0) throw new IllegalArgumentError('union() needs at least one RDD');
  for (const r of rdds) if (r.kc !== kc) throw new IllegalArgumentError('Cannot union RDDs from different contexts');
  return kc.makeRdd(unionDefinition(rdds), `union at ${callSiteLabel().label}`);
}

export function emptyRDD<T>(kc: KindlingContext): RDD<T> {
  return kc.makeRdd({ kind: 'empty', className: 'EmptyRDD', dependencies: [], numPartitions: 0, planArgs: {} }, `emptyRDD at ${callSiteLabel().label}`);
}

registerCompute('empty', () => () => [][Symbol.iterator]());

export function isLocatedData(data: readonly unknown[]): data is ReadonlyArray<[unknown, string[]]> {
  return data.length > 0 && data.every((d) => Array.isArray(d) && d.length === 2 && Array.isArray(d[1]) && d[1].every((h) => typeof h === 'string'));
}

/** Spark's makeRDD(Seq[(T, Seq[String])]): a partition per record, preferring the given hosts. */
export function makeLocatedRdd<T>(kc: KindlingContext, data: ReadonlyArray<[unknown, string[]]>): RDD<T> {
  const records = data.map((d) => d[0]);
  const hosts = data.map((d) => [...new Set(d[1])]);
  const err = v8Cloneable(records, 'The data passed to makeRDD()');
  return kc.makeRdd(
    {
      kind: 'parallel-collection',
      className: 'ParallelCollectionRDD',
      dependencies: [],
      numPartitions: records.length,
      planArgs: { slices: records.map((r) => [r]) },
      preferredLocations: (p) => hosts[p] ?? [],
    },
    `makeRDD at ${callSiteLabel().label}`,
    err ? [err] : [],
  );
}

export function objectFile<T>(kc: KindlingContext, file: string): RDD<T> {
  return kc.makeRdd(objectFileDefinition(file), `objectFile at ${callSiteLabel().label}`);
}

export function wholeTextFiles(kc: KindlingContext, dir: string, minPartitions: number): RDD<[string, string]> {
  return kc.makeRdd(wholeTextFilesDefinition(dir, minPartitions), `wholeTextFiles at ${callSiteLabel().label}`);
}

export function newCheckpointDir(dir: string): string {
  if (typeof dir !== 'string' || dir.length === 0) throw new IllegalArgumentError('setCheckpointDir() needs a directory path');
  const abs = path.join(path.resolve(dir), randomUUID());
  fs.mkdirSync(abs, { recursive: true });
  return abs;
}
