import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tar from 'tar';
import { AppPackageError } from '../errors.js';
import { APP_MANIFEST, ARCHIVES_SOURCE_DIR, FILES_DIR, type AppManifest } from './app-manifest.js';
import { sha256File } from './pack-application.js';
import { isPlainName } from './shipped-files.js';

const HASH = /^[0-9a-f]{64}$/;

/** The directory an application package with this hash is (or will be) unpacked into. */
export function unpackedPackageDir(packageDir: string, hash: string): string {
  if (!HASH.test(hash)) throw new AppPackageError(`'${hash}' is not an application package hash (64 hex digits)`);
  return path.join(path.resolve(packageDir), hash);
}

/** True when packageDir/<hash> holds a complete unpacked package (it appears only by an atomic rename). */
export function isUnpacked(packageDir: string, hash: string): boolean {
  return fs.existsSync(path.join(unpackedPackageDir(packageDir, hash), APP_MANIFEST));
}

/**
 * Unpacks an application archive into packageDir/<hash>, once per host: the archive's SHA-256 is
 * checked against `hash`, it is unpacked into a private temporary directory, its kindling.archives
 * are unpacked in turn, and the directory is renamed into place. Concurrent executors each may
 * unpack, but only one rename wins and nobody sees a partial tree. Entries with absolute paths,
 * '..' segments, links or device files are refused (the packer never writes them). Returns the
 * unpacked root.
 */
export async function unpackAppPackage(archive: string, packageDir: string, hash: string, appName: string): Promise<string> {
  const final = unpackedPackageDir(packageDir, hash);
  if (isUnpacked(packageDir, hash)) return final;
  const what = `application '${appName}' package ${archive}`;
  let actual: string;
  try {
    actual = await sha256File(archive);
  } catch (e) {
    throw new AppPackageError(`Cannot read the ${what}: ${(e as Error).message}`, { cause: e });
  }
  if (actual !== hash) {
    throw new AppPackageError(
      `The ${what} is corrupt or truncated: its SHA-256 is ${actual}, expected ${hash}. It was damaged in transit or on disk; resubmit the application.`,
    );
  }
  fs.mkdirSync(packageDir, { recursive: true });
  const tmp = path.join(path.resolve(packageDir), `.unpack-${hash.slice(0, 12)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(tmp);
  try {
    await safeExtract(archive, tmp, { what, allowInternalLinks: false });
    const manifest = readManifest(tmp, what);
    for (const name of manifest.archives) {
      const dest = path.join(tmp, FILES_DIR, name);
      fs.mkdirSync(dest, { recursive: true });
      await safeExtract(path.join(tmp, ARCHIVES_SOURCE_DIR, name), dest, {
        what: `kindling.archives entry '${name}' of application '${appName}'`,
        allowInternalLinks: true,
      });
    }
    try {
      fs.renameSync(tmp, final);
    } catch (e) {
      // Another executor on this host finished first: its copy is identical.
      if (!isUnpacked(packageDir, hash)) throw e;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return final;
}

export interface SafeExtractOptions {
  /** Names the archive in errors, e.g. "application 'wc' package /x/y.tgz". */
  what: string;
  /** Allow symbolic and hard links whose target stays inside the destination (user archives); else refuse every link. */
  allowInternalLinks: boolean;
}

/** Extracts a (gzipped) tar into `dest`, refusing any entry that could write or point outside it ("zip-slip"). */
export async function safeExtract(archive: string, dest: string, o: SafeExtractOptions): Promise<void> {
  const root = path.resolve(dest);
  let refused: string | undefined;
  const refuse = (why: string) => {
    refused ??= why;
    return false;
  };
  try {
    await tar.x({
      file: archive,
      cwd: root,
      strict: true,
      preserveOwner: false,
      filter: (p, entry) => {
        const entryPath = String(p);
        if (refused) return false;
        if (path.isAbsolute(entryPath) || /^[a-zA-Z]:/.test(entryPath) || entryPath.startsWith('\\')) {
          return refuse(`entry '${entryPath}' has an absolute path`);
        }
        const parts = entryPath.split(/[\\/]+/);
        if (parts.includes('..')) return refuse(`entry '${entryPath}' climbs out of the destination with '..'`);
        const type = 'type' in entry ? String(entry.type) : 'File';
        if (type === 'SymbolicLink' || type === 'Link') {
          const linkpath = String((entry as { linkpath?: string }).linkpath ?? '');
          if (!o.allowInternalLinks) return refuse(`entry '${entryPath}' is a ${type === 'Link' ? 'hard' : 'symbolic'} link to '${linkpath}'`);
          const target = type === 'Link' ? path.resolve(root, linkpath) : path.resolve(root, path.dirname(entryPath), linkpath);
          if (path.isAbsolute(linkpath) || !isInside(root, target)) {
            return refuse(`entry '${entryPath}' is a link to '${linkpath}', outside the destination`);
          }
          return true;
        }
        if (!['File', 'OldFile', 'ContiguousFile', 'Directory'].includes(type)) return refuse(`entry '${entryPath}' is a ${type}, not a file or directory`);
        return true;
      },
    });
  } catch (e) {
    throw new AppPackageError(`The ${o.what} is corrupt and cannot be unpacked: ${(e as Error).message}`, { cause: e });
  }
  if (refused) throw new AppPackageError(`Refusing to unpack the ${o.what}: ${refused}`);
}

function readManifest(root: string, what: string): AppManifest {
  const file = path.join(root, APP_MANIFEST);
  let m: AppManifest;
  try {
    m = JSON.parse(fs.readFileSync(file, 'utf8')) as AppManifest;
  } catch (e) {
    throw new AppPackageError(`The ${what} has no readable ${APP_MANIFEST}: ${(e as Error).message}; it was not made by packApplication`);
  }
  for (const name of [...(m.files ?? []), ...(m.archives ?? [])]) {
    if (!isPlainName(name)) throw new AppPackageError(`The ${what} names a shipped file '${name}' that is not a plain file name`);
  }
  return { ...m, files: m.files ?? [], archives: m.archives ?? [] };
}

/** The manifest of an unpacked package (the layout an executor needs). */
export function unpackedManifest(root: string): AppManifest {
  return readManifest(root, `unpacked application package ${root}`);
}

function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
