import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packApplication, type AppPackage, type KindlingConf } from '@kindling/core/cluster-manager';
import type { LocalResource } from '../rest/app-submission.js';
import type { AppStaging, StagedFile } from './app-staging.js';

/** Where containers find what the NM unpacked: the link names of the two ARCHIVE local resources. */
export const APP_LINK = 'app';
export const AM_LINK = 'kindling-am';
/** `{{PWD}}` is YARN's cross-platform reference to the container's directory, expanded by the NM. */
export const CONTAINER_DIR = '{{PWD}}';

/** This adapter's own installed directory (dist/ and proto/ with package.json). */
const ADAPTER_DIR = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The ApplicationMaster's package: this adapter with its production dependencies (core,
 * protobufjs, ...), packed like an application so any NodeManager can run it without a Kindling
 * install. Cached by content hash like application packages.
 */
export function packApplicationMaster(conf: KindlingConf): Promise<AppPackage> {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  return packApplication({
    appRoot: ADAPTER_DIR,
    entry: 'dist/am/am-main.js',
    cacheDir: conf.get('kindling.app.package.cacheDir') ?? path.join(os.tmpdir(), `kindling-app-packages-${uid}`),
    exclude: ['src', 'testdata', 'minicluster'],
  });
}

/** The AM's entry inside its unpacked package in the AM container. */
export function amEntryInContainer(pkg: AppPackage): string {
  return `${CONTAINER_DIR}/${AM_LINK}/${pkg.entry}`;
}

export async function stageArchive(staging: AppStaging, pkg: AppPackage, name: string): Promise<LocalResource> {
  const staged: StagedFile = await staging.stage(pkg.archivePath, name);
  return { url: staged.url, type: 'ARCHIVE', visibility: 'APPLICATION', size: staged.size, timestamp: staged.timestamp };
}

/** A LocalResource as ContainerLaunchContextProto's LocalResourceProto (URLProto split into parts). */
export function localResourceProto(r: LocalResource): Record<string, unknown> {
  const u = new URL(r.url);
  return {
    resource: { scheme: u.protocol.replace(/:$/, ''), ...(u.hostname ? { host: u.hostname } : {}), ...(u.port ? { port: Number(u.port) } : {}), file: decodeURIComponent(u.pathname) },
    size: r.size,
    timestamp: r.timestamp,
    type: r.type,
    visibility: r.visibility,
  };
}
