import { DEFAULT_MINIMUM_SHARE, DEFAULT_POOL_NAME, DEFAULT_SCHEDULING_MODE, DEFAULT_WEIGHT, Pool } from './pool.js';
import type { PoolAllocation } from './pool-allocations.js';
import type { SchedulingMode } from './schedulable.js';
import type { TaskSetManager } from './task-set-manager.js';

/** The job property that picks a FAIR pool (Spark's spark.scheduler.pool). */
export const POOL_PROPERTY = 'kindling.scheduler.pool';

/**
 * Builds the scheduling tree and places task sets in it (Spark's FIFOSchedulableBuilder and
 * FairSchedulableBuilder). FIFO: task sets sit in the root, ordered by job then stage. FAIR: the
 * root holds pools, always including "default"; a task set goes to the pool its job's
 * kindling.scheduler.pool property names, created with the defaults if the file did not list it.
 */
export class SchedulableBuilder {
  readonly rootPool: Pool;

  constructor(
    readonly mode: SchedulingMode,
    allocations: readonly PoolAllocation[] = [],
    private readonly warn: (message: string) => void = (m) => process.emitWarning(m, { code: 'KINDLING_SCHEDULER_POOL' }),
  ) {
    this.rootPool = new Pool('', mode, 0, 0);
    if (mode === 'FIFO') return;
    for (const a of allocations) this.rootPool.add(new Pool(a.name, a.schedulingMode, a.minShare, a.weight));
    if (!this.rootPool.pool(DEFAULT_POOL_NAME)) {
      this.rootPool.add(new Pool(DEFAULT_POOL_NAME, DEFAULT_SCHEDULING_MODE, DEFAULT_MINIMUM_SHARE, DEFAULT_WEIGHT));
    }
  }

  /** The pool a job with these properties runs in (for listener events). */
  static poolName(properties: Readonly<Record<string, string>> | undefined): string {
    const name = properties?.[POOL_PROPERTY];
    return name === undefined || name === '' ? DEFAULT_POOL_NAME : name;
  }

  addTaskSetManager(manager: TaskSetManager, properties: Readonly<Record<string, string>> | undefined): Pool {
    if (this.mode === 'FIFO') {
      this.rootPool.add(manager);
      return this.rootPool;
    }
    const name = SchedulableBuilder.poolName(properties);
    let pool = this.rootPool.pool(name);
    if (pool === undefined) {
      // Spark's behaviour: an unknown pool is created with the defaults, and a warning says so.
      pool = new Pool(name, DEFAULT_SCHEDULING_MODE, DEFAULT_MINIMUM_SHARE, DEFAULT_WEIGHT);
      this.rootPool.add(pool);
      this.warn(
        `A job was submitted with scheduler pool ${name}, which has not been configured. This can happen when the ` +
          `file that pools are read from isn't set, or when that file doesn't contain ${name}. Created ${name} with ` +
          `default configuration (schedulingMode: ${DEFAULT_SCHEDULING_MODE}, minShare: ${DEFAULT_MINIMUM_SHARE}, weight: ${DEFAULT_WEIGHT})`,
      );
    }
    pool.add(manager);
    return pool;
  }
}
