import { KindlingConf } from '@kindling/core';
import { ClusterManagerRegistry } from '@kindling/core/cluster-manager';
import type { SubmitArguments } from './submit-arguments.js';

/**
 * Checks, before the driver starts, that an installed cluster manager takes the master and that
 * the manager accepts the URL (its taskSchedulerOptions validates it), so a bad master is one
 * clear line from kindling-submit rather than a stack trace from inside the application.
 */
export async function checkMasterIsUsable(args: SubmitArguments): Promise<void> {
  const conf = new KindlingConf(args.settings.toRecord());
  const registry = await ClusterManagerRegistry.fromConf(conf);
  const manager = registry.select(args.master);
  // On a copy: managers may adjust the conf here (local-cluster sets kindling.executor.memory).
  manager.taskSchedulerOptions?.(args.master, conf.clone());
}
