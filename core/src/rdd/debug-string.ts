import type { RDD } from './rdd.js';

/**
 * Spark's lineage format: narrow parents continue the block with " |  ", each shuffle parent
 * opens a block indented by three more columns and marked " +-(partitions)", so stage
 * boundaries are visible:
 *   (2) ShuffledRDD[3] at reduceByKey at app.ts:5 []
 *    +-(2) MapPartitionsRDD[2] at map at app.ts:4 []
 *       |  ParallelCollectionRDD[0] at parallelize at app.ts:3 []
 */
export function toDebugString(rdd: RDD<unknown>): string {
  const lines = [`(${rdd.getNumPartitions()}) ${describe(rdd)}`];
  appendParents(rdd, 0, lines);
  return lines.join('\n');
}

function appendParents(rdd: RDD<unknown>, indent: number, lines: string[]): void {
  const pad = ' '.repeat(indent);
  for (const dep of rdd.dependencies) {
    if (dep.type === 'shuffle') {
      lines.push(`${pad} +-(${dep.rdd.getNumPartitions()}) ${describe(dep.rdd)}`);
      appendParents(dep.rdd, indent + 3, lines);
    } else {
      lines.push(`${pad} |  ${describe(dep.rdd)}`);
      appendParents(dep.rdd, indent, lines);
    }
  }
}

function describe(rdd: RDD<unknown>): string {
  const storage = rdd.storageLevel.name === 'NONE' ? '' : rdd.storageLevel.name;
  return `${rdd.toString()} [${storage}]`;
}
