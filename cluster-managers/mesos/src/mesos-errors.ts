import { ClusterManagerError } from '@kindling/core/cluster-manager';

/** A failure talking to a Mesos master: bad status, protocol violation, framework removed. */
export class MesosError extends ClusterManagerError {
  constructor(
    message: string,
    /** The HTTP status, when the master answered with one. */
    readonly status?: number,
    options?: { cause?: unknown; fatal?: boolean },
  ) {
    super(message, options);
    this.fatal = options?.fatal ?? false;
  }

  /** Retrying cannot help (the framework failed over elsewhere, the master refused it). */
  readonly fatal: boolean;
}

/** The RecordIO event stream is malformed: the subscription must be closed and redone. */
export class RecordIoError extends MesosError {}
