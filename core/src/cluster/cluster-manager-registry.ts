import { Container, ContainerModule } from 'inversify';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
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
    if (matches.length === 0) throw new MasterUrlError(`Could not parse master URL: '${masterUrl}'`);
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
      if (mod) registry.loadModule(moduleOf(mod, spec));
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

async function importIfInstalled(spec: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(spec)) as Record<string, unknown>;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((e as Error).message).includes(spec)) return undefined;
    throw new ClusterManagerError(`Cluster manager package '${spec}' is installed but failed to load: ${(e as Error).message}`);
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
