/** What executors may fetch from the driver. Local backends call it directly; remote ones serve it over RPC. */
export interface DriverEndpoint {
  /** The serialized stage plan for `binaryId`, or undefined if it is no longer needed. */
  taskBinary(binaryId: number): Uint8Array | undefined;
  /** The serialized value of a broadcast variable, or undefined if it was destroyed. */
  broadcastValue(broadcastId: number): Uint8Array | undefined;
  /** Application configuration (kindling.* keys) that executors run with. */
  appConfig(): Record<string, string>;
}
