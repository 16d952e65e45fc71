import { injectable } from 'inversify';
import type { BackendContext, ClusterManager, KindlingConf, SchedulerBackend, TaskSchedulerOptions } from '@kindling/core';
import { isLocalMasterUrl, parseLocalMasterUrl } from './local-master-url.js';
import { LocalSchedulerBackend } from './local-scheduler-backend.js';

/** Handles local, local[N], local[*] and local[N,F]: one in-process executor with N task threads. */
@injectable()
export class LocalClusterManager implements ClusterManager {
  readonly name = 'local';

  canCreate(masterUrl: string): boolean {
    return isLocalMasterUrl(masterUrl);
  }

  taskSchedulerOptions(masterUrl: string, _conf: KindlingConf): TaskSchedulerOptions {
    const { maxTaskFailures } = parseLocalMasterUrl(masterUrl);
    return { maxTaskFailures, isLocal: true };
  }

  createSchedulerBackend(masterUrl: string, context: BackendContext): SchedulerBackend {
    return new LocalSchedulerBackend(context, parseLocalMasterUrl(masterUrl).threads);
  }
}
