import { ClusterManagerError } from '@kindling/core/cluster-manager';

/** Everything the YARN adapter reports: bad Hadoop config, RM refusals, app failures, IPC errors. */
export class YarnError extends ClusterManagerError {}

/** A Hadoop configuration file is missing, malformed, or lacks a key this adapter needs. */
export class HadoopConfError extends YarnError {}

/** An answer from the ResourceManager's REST API that says no (RemoteException, diagnostics). */
export class YarnRestError extends YarnError {
  constructor(
    message: string,
    readonly status?: number,
    readonly exception?: string,
  ) {
    super(message);
  }
}

/** A Hadoop IPC call failed (RpcResponseHeaderProto status ERROR/FATAL, or the connection broke). */
export class HadoopIpcError extends YarnError {
  constructor(
    message: string,
    readonly exceptionClassName?: string,
    readonly fatal = false,
  ) {
    super(message);
  }
}
