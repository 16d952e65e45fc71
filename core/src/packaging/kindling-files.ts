import * as fs from 'node:fs';
import * as path from 'node:path';
import { IllegalArgumentError, IllegalStateError } from '../errors.js';
import { isPlainName } from './shipped-files.js';

/** Process- and thread-wide, and shared by every copy of @kindling/core loaded in it (the app's and Kindling's own). */
const DIR_KEY = Symbol.for('kindling.files.dir');

type Holder = { [DIR_KEY]?: string };

/** Where this process's shipped files live (the executor's unpacked package, or the driver's copy). */
export function setKindlingFilesDir(dir: string | undefined): void {
  (globalThis as Holder)[DIR_KEY] = dir;
}

/**
 * Files and archives shipped with the application (kindling-submit --files / --archives, or
 * kindling.files / kindling.archives), by name, on executors and on the driver (Spark's SparkFiles).
 * A file's name is its base name, or the alias after '#' (`data.csv#lookup`); an archive's name
 * is the directory it was unpacked into.
 */
export const KindlingFiles = {
  /** Absolute path of the shipped file or unpacked archive called `name`. */
  get(name: string): string {
    if (!isPlainName(name)) throw new IllegalArgumentError(`KindlingFiles.get('${name}'): give the file's name, not a path`);
    const root = KindlingFiles.getRootDirectory();
    const full = path.join(root, name);
    if (!fs.existsSync(full)) {
      const shipped = fs.existsSync(root) ? fs.readdirSync(root).sort() : [];
      throw new IllegalArgumentError(
        `KindlingFiles.get('${name}'): no file or archive of that name was shipped with this application ` +
          `(shipped: ${shipped.length > 0 ? shipped.join(', ') : 'none'}); add it with --files or --archives`,
      );
    }
    return full;
  },
  /** The directory holding every shipped file and unpacked archive. */
  getRootDirectory(): string {
    const dir = (globalThis as Holder)[DIR_KEY];
    if (!dir) {
      throw new IllegalStateError(
        'KindlingFiles: no files were shipped with this application (kindling.files and kindling.archives are unset), ' +
          'or no KindlingContext was created in this process',
      );
    }
    return dir;
  },
};
