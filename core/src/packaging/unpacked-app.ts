import * as path from 'node:path';
import type { KindlingConf } from '../conf/kindling-conf.js';
import { FILES_DIR } from './app-manifest.js';
import { unpackedManifest } from './unpack-app-package.js';

/**
 * Points an executor's configuration at its unpacked package: kindling.app.root becomes the app's
 * directory inside it (useModule resolves there, with the package's own node_modules), and
 * kindling.files.dir the directory KindlingFiles.get reads.
 */
export function useUnpackedPackage(conf: KindlingConf, packageRoot: string): void {
  const manifest = unpackedManifest(packageRoot);
  conf.set('kindling.app.root', path.join(packageRoot, ...manifest.appDir.split('/').filter(Boolean)));
  conf.set('kindling.files.dir', path.join(packageRoot, ...FILES_DIR.split('/')));
}
