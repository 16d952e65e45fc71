import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../errors.js';

export interface ShippedFile {
  /** The name tasks pass to KindlingFiles.get: the file's base name, or the alias after '#'. */
  readonly name: string;
  /** Real absolute path on the driver. */
  readonly source: string;
}

const ARCHIVE_SUFFIXES = ['.tar', '.tgz', '.tar.gz'];

/** Parses a comma list of kindling.files / kindling.archives (as kindling-submit's --files/--archives set them). */
export function splitPathList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * Validates kindling.files and kindling.archives: each entry is `path` or `path#name` (Spark's
 * alias syntax), the file exists, names are plain and unique, and archives are tar files.
 */
export function shippedFileEntries(files: readonly string[], archives: readonly string[]): { files: ShippedFile[]; archives: ShippedFile[] } {
  const names = new Map<string, string>();
  const parse = (spec: string, key: string): ShippedFile => {
    const hashAt = spec.lastIndexOf('#');
    const file = hashAt > 0 ? spec.slice(0, hashAt) : spec;
    const local = file.startsWith('file://') ? new URL(file).pathname : file;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(local)) {
      throw new ConfigError(`${key} entry '${spec}': only local paths are supported, not URLs; copy the file to the driver's machine first`);
    }
    const name = hashAt > 0 ? spec.slice(hashAt + 1) : path.basename(local);
    if (!isPlainName(name)) throw new ConfigError(`${key} entry '${spec}': '${name}' is not a valid file name (no '/', '..' or empty names)`);
    const abs = path.resolve(local);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch {
      throw new ConfigError(`${key} entry '${spec}': ${abs} does not exist`);
    }
    if (!stat.isFile()) throw new ConfigError(`${key} entry '${spec}': ${abs} is not a regular file`);
    const clash = names.get(name);
    if (clash !== undefined) throw new ConfigError(`${key} entry '${spec}': the name '${name}' is already used by '${clash}'; rename one with '#name'`);
    names.set(name, spec);
    return { name, source: fs.realpathSync(abs) };
  };
  const parsedFiles = files.map((f) => parse(f, 'kindling.files'));
  const parsedArchives = archives.map((a) => {
    const entry = parse(a, 'kindling.archives');
    if (!ARCHIVE_SUFFIXES.some((s) => entry.source.endsWith(s))) {
      throw new ConfigError(`kindling.archives entry '${a}': only tar archives (${ARCHIVE_SUFFIXES.join(', ')}) can be unpacked; zip and jar files are not supported`);
    }
    return entry;
  });
  return { files: parsedFiles, archives: parsedArchives };
}

/** A single path component tasks can safely join to a directory. */
export function isPlainName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[\\/\0]/.test(name);
}
