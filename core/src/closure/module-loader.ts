import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { KindlingError } from '../errors.js';

/**
 * Imports a module named by useModule(). Relative specifiers resolve against the application
 * root (kindling.app.root, set by kindling-submit to the app's directory); bare ones are looked
 * up in node_modules from there, so executors use the app's own installed packages.
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
        target = specifier; // ESM-only packages without a require condition: let import() resolve it.
      }
    }
    return await import(target);
  } catch (e) {
    throw new KindlingError(
      `Module '${specifier}' listed by the driver is not installed on executor ${where.executorId} ` +
        `(looked in ${where.appRoot}): ${(e as Error).message}. Ship the application directory with its node_modules.`,
    );
  }
}
