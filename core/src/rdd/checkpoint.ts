import * as path from 'node:path';
import { IllegalStateError, KindlingError } from '../errors.js';
import { StorageLevel } from '../storage/storage-level.js';
import { registerCompute } from './compute-registry.js';
import { oneToOne } from './dependency.js';
import { objectFileDefinition } from './file-sources.js';
import { saveOutput } from './output-commit.js';
import type { RDD } from './rdd.js';
import { callSiteLabel } from './ship.js';

/**
 * Spark's RDD checkpointing. checkpoint() writes the RDD to kc's checkpoint directory with the
 * output commit protocol (in its own job, after the first job that uses the RDD) and then makes
 * a ReliableCheckpointRDD its only parent; localCheckpoint() keeps the partitions in the
 * executors' block stores (MEMORY_AND_DISK) and cuts the lineage, trading fault tolerance for speed.
 */
interface CheckpointData {
  kind: 'reliable' | 'local';
  state: 'marked' | 'checkpointing' | 'done';
  file?: string;
}

const data = new WeakMap<RDD<unknown>, CheckpointData>();

export function markReliable(rdd: RDD<unknown>): void {
  if (rdd.kc.getCheckpointDir() === undefined) {
    throw new IllegalStateError('Checkpoint directory has not been set in the KindlingContext; call kc.setCheckpointDir(dir) first');
  }
  if (!data.has(rdd)) data.set(rdd, { kind: 'reliable', state: 'marked' });
}

export function markLocal(rdd: RDD<unknown>): void {
  const current = data.get(rdd);
  if (current?.state === 'done') return;
  // Spark's transformStorageLevel: a local checkpoint must survive eviction from memory.
  if (rdd.storageLevel === StorageLevel.NONE || rdd.storageLevel === StorageLevel.MEMORY_ONLY) rdd.storageLevel = StorageLevel.MEMORY_AND_DISK;
  data.set(rdd, { kind: 'local', state: 'marked' });
}

export function isCheckpointed(rdd: RDD<unknown>): boolean {
  return data.get(rdd)?.state === 'done';
}

export function checkpointFile(rdd: RDD<unknown>): string | undefined {
  const d = data.get(rdd);
  return d?.state === 'done' ? d.file : undefined;
}

/** Spark's doCheckpoint after a job: checkpoint marked RDDs; stop at them (and at checkpointed ones). */
export async function checkpointAfterJob(rdd: RDD<unknown>, visited = new Set<number>()): Promise<void> {
  if (visited.has(rdd.id)) return;
  visited.add(rdd.id);
  const d = data.get(rdd);
  if (d) {
    if (d.state === 'marked') await (d.kind === 'reliable' ? writeReliable(rdd, d) : keepLocal(rdd, d));
    return;
  }
  for (const dep of rdd.dependencies) await checkpointAfterJob(dep.rdd, visited);
}

async function writeReliable(rdd: RDD<unknown>, d: CheckpointData): Promise<void> {
  d.state = 'checkpointing';
  const dir = path.join(rdd.kc.getCheckpointDir()!, `rdd-${rdd.id}`);
  try {
    await saveOutput(rdd, dir, { action: 'saveAsObjectFile', callSite: `checkpoint at ${rdd.creationSite}` });
  } catch (e) {
    d.state = 'marked';
    throw e;
  }
  const files = objectFileDefinition(dir, 'ReliableCheckpointRDD');
  const n = rdd.getNumPartitions();
  if (files.numPartitions !== n) {
    throw new KindlingError(
      `Checkpoint RDD has a different number of partitions from original RDD. Original RDD [ID: ${rdd.id}, num of partitions: ${n}]; Checkpoint RDD [num of partitions: ${files.numPartitions}] in ${dir}`,
    );
  }
  const checkpointRdd = rdd.kc.makeRdd<unknown>({ ...files, partitioner: rdd.partitioner }, `checkpoint at ${callSiteLabel().label}`);
  truncate(rdd, checkpointRdd);
  d.file = dir;
  d.state = 'done';
}

async function keepLocal(rdd: RDD<unknown>, d: CheckpointData): Promise<void> {
  d.state = 'checkpointing';
  const n = rdd.getNumPartitions();
  // Partitions the job did not compute (take, first, ...) are computed now, as Spark does.
  const missing = Array.from({ length: n }, (_, i) => i).filter((p) => !rdd.kc.isBlockCached(rdd.id, p));
  try {
    if (missing.length > 0) await rdd.kc.runJob(rdd, { action: 'count', callSite: `localCheckpoint at ${rdd.creationSite}` }, missing);
  } catch (e) {
    d.state = 'marked';
    throw e;
  }
  const local = rdd.kc.makeRdd<unknown>(
    { kind: 'local-checkpoint', className: 'LocalCheckpointRDD', dependencies: [], numPartitions: n, planArgs: { rddId: rdd.id }, partitioner: rdd.partitioner },
    `localCheckpoint at ${callSiteLabel().label}`,
  );
  truncate(rdd, local);
  d.state = 'done';
}

/** The RDD keeps its id, storage and partitioner; its only parent becomes the checkpoint. */
function truncate(rdd: RDD<unknown>, parent: RDD<unknown>): void {
  rdd.replaceDefinition({
    kind: 'checkpointed',
    className: rdd.className,
    dependencies: [oneToOne(parent)],
    numPartitions: rdd.getNumPartitions(),
    planArgs: {},
    partitioner: rdd.partitioner,
    preferredLocations: (p) => parent.preferredLocations(p),
  });
}

registerCompute('checkpointed', (_args, [parent]) => parent!);

// Reached only when the cached block is gone: a local checkpoint has no lineage to recompute from.
registerCompute('local-checkpoint', (args: { rddId: number }) => (p) => {
  throw new KindlingError(
    `Checkpoint block rdd_${args.rddId}_${p} not found! Either the executor that originally checkpointed this partition is no longer alive, or the original RDD is unpersisted. If this problem persists, you may consider using \`rdd.checkpoint()\` instead, which is slower than local checkpointing but more fault-tolerant.`,
  );
});

