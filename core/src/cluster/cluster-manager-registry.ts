import { Container, ContainerModule } from 'inversify';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { KindlingConf } from '../conf/kindling-conf.js';
import { ClusterManagerError, MasterUrlError } from '../errors.js';
import { CLUSTER_MANAGER, type ClusterManager } from './cluster-manager.js';

/**
 * Adapter packages looked up by default, like Spark's ServiceLoader discovery: each is loaded
 * only if it is installed. Core has no build-time dependency on any of them.
 */
export const DEFAULT_CLUSTER_MANAGER_MODULES = [
  '@kindling/cluster-manager-local',
  '@kindling/cluster-manager-standalone',
  '@kindling/cluster-manager-yarn',
  '@kindling/cluster-manager-mesos',
];

/** Loads adapters into an Inversify container and picks one by master URL. */
export class ClusterManagerRegistry {
  readonly container = new Container();
  /** Default adapter packages that fromConf found installed. */
  private readonly installed = new Set<string>();

  /** Binds the managers of an adapter module (anything exporting `clusterManagerModule`). */
  loadModule(module: ContainerModule): void {
    this.container.load(module);
  }

  managers(): ClusterManager[] {
    return this.container.isBound(CLUSTER_MANAGER) ? this.container.getAll<ClusterManager>(CLUSTER_MANAGER) : [];
  }

  /** Spark's rules: none accepts → "Could not parse master URL"; several → name them all. */
  select(masterUrl: string): ClusterManager {
    const matches = this.managers().filter((m) => m.canCreate(masterUrl));
    if (matches.length === 0) {
      const needed = packageForMasterUrl(masterUrl);
      if (needed && !this.installed.has(needed.pkg)) {
        throw new MasterUrlError(
          `Master URL '${masterUrl}' needs the ${needed.name} cluster manager, which is not installed. ` +
            `Install it (npm install ${needed.pkg}) in your application, or name its module in kindling.clusterManagers.`,
        );
      }
      throw new MasterUrlError(`Could not parse master URL: '${masterUrl}'`); // Spark's words
    }
    if (matches.length > 1) {
      throw new MasterUrlError(
        `Multiple cluster managers registered for the url ${masterUrl}: ${matches.map((m) => m.name).join(', ')}`,
      );
    }
    return matches[0]!;
  }

  /**
   * Loads the default adapters that are installed plus those named in `kindling.clusterManagers`
   * (comma-separated module specifiers; relative paths resolve against the working directory).
   */
  static async fromConf(conf: KindlingConf): Promise<ClusterManagerRegistry> {
    const registry = new ClusterManagerRegistry();
    for (const spec of DEFAULT_CLUSTER_MANAGER_MODULES) {
      const mod = await importIfInstalled(spec);
      if (!mod) continue;
      registry.loadModule(moduleOf(mod, spec));
      registry.installed.add(spec);
    }
    const extra = (conf.get('kindling.clusterManagers') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    for (const spec of extra) {
      let mod: Record<string, unknown>;
      try {
        mod = (await import(resolveSpecifier(spec))) as Record<string, unknown>;
      } catch (e) {
        throw new ClusterManagerError(
          `Could not load cluster manager module '${spec}' from kindling.clusterManagers: ${(e as Error).message}. ` +
            'Install the package, or give a path to a module that exports clusterManagerModule.',
        );
      }
      registry.loadModule(moduleOf(mod, spec));
    }
    return registry;
  }
}

function resolveSpecifier(spec: string): string {
  if (spec.startsWith('.') || path.isAbsolute(spec)) return pathToFileURL(path.resolve(spec)).href;
  return spec;
}

/** The adapter package a well-formed master URL needs (Spark's URL schemes). */
export function packageForMasterUrl(masterUrl: string): { name: string; pkg: string } | undefined {
  if (masterUrl === 'yarn' || masterUrl.startsWith('yarn://')) return { name: 'YARN', pkg: '@kindling/cluster-manager-yarn' };
  if (masterUrl.startsWith('spark://')) return { name: 'standalone', pkg: '@kindling/cluster-manager-standalone' };
  if (masterUrl.startsWith('mesos://')) return { name: 'Mesos', pkg: '@kindling/cluster-manager-mesos' };
  if (/^local(\[|-cluster\[|$)/.test(masterUrl)) return { name: 'local', pkg: '@kindling/cluster-manager-local' };
  return undefined;
}

/**
 * Imports an optional adapter package. Not installed (no package.json where Node's resolution
 * looks, from this file upwards) → undefined. Installed but failing to load (no dist/, a
 * throwing import, a missing dependency) → an error naming the package and the cause: never
 * mistaken for "not installed", which would end as "Could not parse master URL".
 */
async function importIfInstalled(spec: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(spec)) as Record<string, unknown>;
  } catch (e) {
    const packageJson = installedPackageJson(spec, path.dirname(fileURLToPath(import.meta.url)));
    if (!packageJson) return undefined;
    throw new ClusterManagerError(
      `Cluster manager package '${spec}' is installed (${packageJson}) but failed to load: ${(e as Error).message}. ` +
        'Reinstall it, or build it if it is a workspace package (npm run build).',
      { cause: e },
    );
  }
}

/** Where Node's package resolution would find `spec`'s package.json starting from `fromDir`, if anywhere. */
export function installedPackageJson(spec: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; ) {
    const candidate = path.join(dir, 'node_modules', ...spec.split('/'), 'package.json');
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function moduleOf(mod: Record<string, unknown>, spec: string): ContainerModule {
  const m = mod['clusterManagerModule'];
  if (!(m instanceof ContainerModule)) {
    throw new ClusterManagerError(
      `Module '${spec}' does not export clusterManagerModule (an Inversify ContainerModule binding CLUSTER_MANAGER)`,
    );
  }
  return m;
}
