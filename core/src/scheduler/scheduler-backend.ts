/**
 * The cluster-manager side of scheduling: owns executors and launches tasks on them.
 * Backends call their TaskSchedulerPort with offers and status updates.
 */
export interface SchedulerBackend {
  /** Start the backend: launch or connect to executors. Resolves when offers can be made. */
  start(): Promise<void>;
  /** Stop every executor and release every resource (processes, ports, temp dirs). */
  stop(): Promise<void>;
  /** Make a round of offers soon (asynchronously; never re-entrantly from this call). */
  reviveOffers(): void;
  /** Ask the executor to kill a running attempt; it reports KILLED through statusUpdate. */
  killTask(taskId: number, executorId: string, interruptThread: boolean, reason: string): void;
  /** Default number of partitions: kindling.default.parallelism, else what the backend provides. */
  defaultParallelism(): number;
  applicationId(): string;
  /** Ask for a new total number of executors (dynamic allocation). Resolves true if accepted. */
  requestTotalExecutors(total: number): Promise<boolean>;
  /**
   * Kill these executors. Resolves true if the request was accepted. `reason` (e.g. "idle for
   * 60 s") should appear in the executor-removed event.
   */
  killExecutors(executorIds: string[], reason?: string): Promise<boolean>;
  /** Drop every cached block of an RDD on all executors (unpersist). */
  removeRdd?(rddId: number): Promise<void>;
  /** Drop a broadcast variable's copies on all executors. */
  removeBroadcast?(broadcastId: number): Promise<void>;
}
