import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { KindlingError } from '../errors.js';

/**
 * Imports a module named by useModule(). Relative specifiers resolve against the application
 * root (kindling.app.root: the app's directory on the driver, its unpacked package on executors);
 * bare ones are looked up in node_modules from there, so tasks get the app's own version of a
 * package even when Kindling depends on another one, and two apps never share modules.
 */
export async function loadModule(specifier: string, where: { appRoot: string; executorId: string }): Promise<unknown> {
  let target = specifier;
  try {
    if (specifier.startsWith('./') || specifier.startsWith('../')) {
      target = pathToFileURL(path.resolve(where.appRoot, specifier)).href;
    } else if (path.isAbsolute(specifier)) {
      target = pathToFileURL(specifier).href;
    } else if (!specifier.startsWith('node:') && !specifier.startsWith('file:')) {
      try {
        target = pathToFileURL(createRequire(path.join(where.appRoot, 'package.json')).resolve(specifier)).href;
      } catch {
        // ESM-only packages without a require condition: resolve their import entry from the app root, never from Kindling's.
        target = esmEntry(specifier, where.appRoot) ?? specifier;
      }
    }
    return await import(target);
  } catch (e) {
    throw new KindlingError(
      `Module '${specifier}' listed by the driver is not installed on executor ${where.executorId} ` +
        `(looked in ${where.appRoot}): ${(e as Error).message}. Add it to the application's package.json dependencies and install it.`,
    );
  }
}

/** The file an `import 'name'` / `import 'name/sub'` would load, for packages found in node_modules above appRoot. */
function esmEntry(specifier: string, appRoot: string): string | undefined {
  const parts = specifier.split('/');
  const nameLength = specifier.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameLength).join('/');
  const subpath = parts.length > nameLength ? `./${parts.slice(nameLength).join('/')}` : '.';
  for (let d = appRoot; ; d = path.dirname(d)) {
    const dir = path.join(d, 'node_modules', name);
    if (fs.existsSync(path.join(dir, 'package.json'))) {
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { exports?: unknown; module?: string; main?: string };
      const exported = pickExport(manifest.exports, subpath);
      const file = exported ?? (subpath === '.' ? (manifest.module ?? manifest.main ?? 'index.js') : subpath);
      return pathToFileURL(path.join(dir, file)).href;
    }
    if (path.dirname(d) === d) return undefined;
  }
}

function pickExport(exports: unknown, subpath: string): string | undefined {
  if (exports === undefined || exports === null) return undefined;
  if (typeof exports === 'string') return subpath === '.' ? exports : undefined;
  const map = exports as Record<string, unknown>;
  const isSubpathMap = Object.keys(map).some((k) => k.startsWith('.'));
  return pickCondition(isSubpathMap ? map[subpath] : subpath === '.' ? map : undefined);
}

function pickCondition(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (const v of value) {
      const r = pickCondition(v);
      if (r) return r;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    const conditions = value as Record<string, unknown>;
    for (const c of ['node', 'import', 'default']) if (c in conditions) return pickCondition(conditions[c]);
  }
  return undefined;
}
