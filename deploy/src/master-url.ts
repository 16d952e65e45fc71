import { MasterUrlError } from '@kindling/core';

/**
 * The master URL shapes spark-submit accepts before any cluster manager is consulted. Checking
 * early gives a clear error before the application starts; whether a cluster manager for the
 * URL is installed is decided later by the app's KindlingContext.
 */
const SHAPES: readonly RegExp[] = [/^local/, /^spark:\/\/./, /^yarn$/, /^mesos:\/\/./, /^k8s:\/\/./];
/** Adapters registered through kindling.clusterManagers bring their own scheme, e.g. spawn://2. */
const ANY_SCHEME = /^[a-z][a-z0-9+.-]*:\/\/./i;

/** Throws MasterUrlError with spark-submit's message unless `master` has a known shape or a URL scheme. */
export function validateMasterUrl(master: string): string {
  if (!SHAPES.some((shape) => shape.test(master)) && !ANY_SCHEME.test(master)) {
    throw new MasterUrlError(
      'Master must either be yarn or start with spark, mesos, k8s, or local (or scheme:// for an adapter registered with kindling.clusterManagers)',
    );
  }
  return master;
}
