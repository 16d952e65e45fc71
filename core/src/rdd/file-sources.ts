import * as fs from 'node:fs';
import { IllegalArgumentError } from '../errors.js';
import { registerCompute } from './compute-registry.js';
import { gunzip, isGzipFile, readObjects } from './output-formats.js';
import type { RddDefinition } from './rdd-definition.js';
import { listInputFiles } from './text-file.js';

/** kc.objectFile: one partition per part file written by saveAsObjectFile. */
export function objectFileDefinition(inputPath: string, className = 'ObjectFileRDD'): RddDefinition {
  const files = listInputFiles(inputPath).map((f) => f.path);
  return {
    kind: 'object-file',
    className,
    dependencies: [],
    numPartitions: files.length,
    planArgs: { files },
    preferredLocations: () => ['localhost'],
  };
}

registerCompute('object-file', (args: { files: string[] }) => (p) => readObjects(args.files[p]!));

/**
 * kc.wholeTextFiles: [path, content] per file. As Spark's CombineFileInputFormat, files are
 * packed in name order into splits of at most ceil(total / minPartitions) bytes.
 */
export function wholeTextFilesDefinition(inputPath: string, minPartitions: number): RddDefinition {
  if (!Number.isInteger(minPartitions) || minPartitions < 1) {
    throw new IllegalArgumentError(`minPartitions must be a positive integer, got ${minPartitions}`);
  }
  const files = listInputFiles(inputPath);
  const total = files.reduce((s, f) => s + f.size, 0);
  const maxSplit = Math.max(1, Math.ceil(total / minPartitions));
  const splits: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const f of files) {
    if (current.length > 0 && size + f.size > maxSplit) {
      splits.push(current);
      current = [];
      size = 0;
    }
    current.push(f.path);
    size += f.size;
  }
  if (current.length > 0) splits.push(current);
  return {
    kind: 'whole-text-files',
    className: 'WholeTextFileRDD',
    dependencies: [],
    numPartitions: splits.length,
    planArgs: { splits },
    preferredLocations: () => ['localhost'],
  };
}

registerCompute('whole-text-files', (args: { splits: string[][] }) => function* (p) {
  for (const file of args.splits[p]!) {
    const bytes = isGzipFile(file) ? gunzip(file) : fs.readFileSync(file);
    yield [`file:${file}`, bytes.toString('utf8')];
  }
});
