/** Why the driver lost an executor. Every removal has one; listeners see `message`. */
export interface ExecutorLossReason {
  message: string;
  /** True when the application's own code caused the exit (e.g. a task crashed the process). */
  exitCausedByApp: boolean;
  /** The whole worker/host went away, so its shuffle files are gone too. */
  workerLost?: boolean;
}
