/**
 * The port through which cluster managers ship an application: its code, package.json, lockfile
 * and installed node_modules (Kindling's own packages included) as one gzipped tar, identified by
 * the SHA-256 of its bytes. The driver builds it once (cached by hash); each manager decides only
 * where the archive goes (the driver's file service, a YARN local resource, a Mesos URI).
 */
export interface AppPackage {
  /** Hex SHA-256 of the archive bytes: its identity, its cache key, and the directory name executors unpack it into. */
  readonly hash: string;
  readonly sizeBytes: number;
  /** Absolute path of the archive (.tgz) on the driver's machine. */
  readonly archivePath: string;
  /** The application's entry file, relative to the package root, with '/' separators. */
  readonly entry: string;
}

/** Where an executor finds the application's code. */
export type ExecutorAppSource =
  /** Fetch the archive from the driver over the authenticated RPC, unpack it into `packageDir/<hash>` (one copy per host). */
  | { readonly kind: 'driver'; readonly hash: string; readonly packageDir: string }
  /** Already unpacked here by the cluster (a YARN container's local resource, a Mesos sandbox, a standalone worker). */
  | { readonly kind: 'unpacked'; readonly appRoot: string };
