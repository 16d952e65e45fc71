import { appPackageOf } from '@kindling/core/cluster-manager';
import type { AppPacker } from './cluster-deploy.js';

/**
 * Cluster mode's packer: the same package a driver would build for its executors (core's
 * appPackageOf: kindling.app.root, kindling.files, kindling.archives, the cache in
 * kindling.app.package.cacheDir), with the app file kindling-submit was given as its entry.
 */
export const packApplicationForCluster: AppPacker = (args, conf) => {
  const withEntry = conf.clone();
  withEntry.setIfMissing('kindling.app.entry', args.appPath);
  return appPackageOf(withEntry)();
};
