#!/usr/bin/env node
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_MANIFEST } from '@kindling/core/cluster-manager';
import { clusterDriverSpec } from './cluster-driver.js';

/**
 * Cluster mode's AM container command: runs the application's entry from the unpacked package
 * (./app) as its driver, with master 'yarn' and the submitted configuration. The driver's YARN
 * backend then finds itself inside the AM container and runs the ApplicationMaster in-process.
 */
const spec = clusterDriverSpec();
if (!spec) {
  console.error('kindling-yarn cluster driver: KINDLING_YARN_CLUSTER_DRIVER is not set (this runs only as a YARN AM container command)');
  process.exit(2);
}
const packageRoot = path.resolve('app');
const manifest = JSON.parse(fs.readFileSync(path.join(packageRoot, APP_MANIFEST), 'utf8')) as { appDir: string };
const entry = path.join(packageRoot, spec.entry);
process.env['KINDLING_MASTER'] = 'yarn';
process.env['KINDLING_APP_NAME'] = spec.appName;
process.env['KINDLING_CONF'] = JSON.stringify({ ...spec.conf, 'kindling.app.root': path.join(packageRoot, manifest.appDir), 'kindling.app.entry': entry });
process.argv = [process.argv[0]!, entry, ...spec.args];
await import(pathToFileURL(entry).href);
