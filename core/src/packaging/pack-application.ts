import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tar from 'tar';
import { AppPackageError } from '../errors.js';
import type { AppPackage } from './app-package.js';
import { APP_MANIFEST, FILES_DIR, ARCHIVES_SOURCE_DIR, type AppManifest } from './app-manifest.js';
import { collectPackageContents, type PackageFile } from './package-contents.js';
import { shippedFileEntries } from './shipped-files.js';

export interface PackApplicationOptions {
  /** kindling.app.root. */
  appRoot: string;
  /** The entry file, absolute or relative to appRoot. */
  entry: string;
  /** Where archives and fingerprints are kept (kindling.app.package.cacheDir). */
  cacheDir: string;
  /** Paths relative to appRoot to leave out (kindling.app.exclude). */
  exclude?: readonly string[];
  /** kindling.files: paths shipped as-is, available to tasks by base name through KindlingFiles.get. */
  files?: readonly string[];
  /** kindling.archives: .tar/.tgz/.tar.gz files unpacked on executors, available by name through KindlingFiles.get. */
  archives?: readonly string[];
}

export interface PackedApplication extends AppPackage {
  /** True when the archive came from the cache (nothing was packed). */
  readonly fromCache: boolean;
  readonly fileCount: number;
}

/** Bump when the archive layout changes, so no cache entry from an older layout is reused. */
const PACK_FORMAT = 1;
/** Every entry gets this mtime, so the same files always give the same bytes and hash. */
const FIXED_MTIME = new Date(Date.UTC(2000, 0, 1));

const memo = new Map<string, PackedApplication>();

/**
 * Packs an application (collectPackageContents) into one deterministic .tgz named by the
 * SHA-256 of its bytes, in cacheDir. Entries are sorted, carry a fixed mtime and no owner, so the
 * same files always give the same hash. Before packing, a fingerprint of every input file's path,
 * size, mtime and mode is looked up: when it matches an earlier pack, that archive is reused and
 * nothing is read or compressed (an edit that keeps size and mtime would go unnoticed; touching
 * the file is enough).
 */
export async function packApplication(o: PackApplicationOptions): Promise<PackedApplication> {
  const cacheDir = path.resolve(o.cacheDir);
  fs.mkdirSync(path.join(cacheDir, 'fingerprints'), { recursive: true });
  const contents = collectPackageContents({ appRoot: o.appRoot, entry: o.entry, exclude: o.exclude, skipDirs: [cacheDir] });
  const shipped = shippedFileEntries(o.files ?? [], o.archives ?? []);
  const manifest: AppManifest = {
    format: PACK_FORMAT,
    appDir: contents.appDir,
    entry: contents.entry,
    files: shipped.files.map((f) => f.name),
    archives: shipped.archives.map((a) => a.name),
  };
  const manifestText = JSON.stringify(manifest, null, 2) + '\n';
  const inputs: PackageFile[] = [
    ...contents.files,
    ...shipped.files.map((f) => ({ source: f.source, archivePath: `${FILES_DIR}/${f.name}` })),
    ...shipped.archives.map((a) => ({ source: a.source, archivePath: `${ARCHIVES_SOURCE_DIR}/${a.name}` })),
  ];
  for (const f of inputs) if (f.archivePath === APP_MANIFEST) throw new AppPackageError(`The application may not contain its own ${APP_MANIFEST}`);

  const fingerprint = fingerprintOf(inputs, manifestText);
  const fpFile = path.join(cacheDir, 'fingerprints', fingerprint);
  const known = memo.get(fingerprint) ?? cachedPackage(cacheDir, fpFile, contents.entry, inputs.length + 1);
  if (known) {
    memo.set(fingerprint, known);
    return known;
  }

  const tmpDir = fs.mkdtempSync(path.join(cacheDir, '.packing-'));
  try {
    const manifestFile = path.join(tmpDir, APP_MANIFEST);
    fs.writeFileSync(manifestFile, manifestText);
    const all = [...inputs, { source: manifestFile, archivePath: APP_MANIFEST }].sort((a, b) =>
      a.archivePath < b.archivePath ? -1 : a.archivePath > b.archivePath ? 1 : 0,
    );
    const archiveTmp = path.join(tmpDir, 'app.tgz');
    await writeArchive(all, archiveTmp);
    const hash = await sha256File(archiveTmp);
    const archivePath = path.join(cacheDir, `${hash}.tgz`);
    fs.renameSync(archiveTmp, archivePath); // atomic; another driver packing the same bytes writes the same file
    writeAtomically(fpFile, hash);
    const packed: PackedApplication = {
      hash,
      sizeBytes: fs.statSync(archivePath).size,
      archivePath,
      entry: contents.entry,
      fromCache: false,
      fileCount: all.length,
    };
    memo.set(fingerprint, { ...packed, fromCache: true });
    return packed;
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

/** The hex SHA-256 of a file's bytes. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function fingerprintOf(inputs: readonly PackageFile[], manifestText: string): string {
  const h = createHash('sha256');
  h.update(`kindling-pack-${PACK_FORMAT}\n${manifestText}\n`);
  for (const f of inputs) {
    const st = fs.statSync(f.source);
    h.update(`${f.archivePath}\0${f.source}\0${st.size}\0${st.mtimeMs}\0${st.mode}\n`);
  }
  return h.digest('hex');
}

function cachedPackage(cacheDir: string, fpFile: string, entry: string, fileCount: number): PackedApplication | undefined {
  let hash: string;
  try {
    hash = fs.readFileSync(fpFile, 'utf8').trim();
  } catch {
    return undefined;
  }
  if (!/^[0-9a-f]{64}$/.test(hash)) return undefined;
  const archivePath = path.join(cacheDir, `${hash}.tgz`);
  try {
    return { hash, sizeBytes: fs.statSync(archivePath).size, archivePath, entry, fromCache: true, fileCount };
  } catch {
    return undefined; // the archive was cleaned away: pack again
  }
}

/** Writes a gzipped tar of exactly these files, in this order, under their archive paths. */
async function writeArchive(files: readonly PackageFile[], out: string): Promise<void> {
  // Entries are written in the order added; a file placed under two archive paths is added twice.
  const byAbsolute = new Map<string, string[]>();
  const rels: string[] = [];
  for (const f of files) {
    const rel = path.relative('/', f.source);
    const abs = path.resolve('/', rel);
    byAbsolute.set(abs, [...(byAbsolute.get(abs) ?? []), f.archivePath]);
    rels.push(rel);
  }
  // Hard links are stored as files: archive paths differ from source paths, so link targets would not match.
  const noLinks = new (class extends Map<`${number}:${number}`, string> {
    override get(): string | undefined {
      return undefined;
    }
  })();
  await tar.c(
    {
      gzip: { level: 6 },
      file: out,
      cwd: '/',
      portable: true,
      mtime: FIXED_MTIME,
      noDirRecurse: true,
      strict: true,
      linkCache: noLinks,
      onWriteEntry: (entry) => {
        const target = byAbsolute.get(entry.absolute)?.shift();
        if (target === undefined) throw new AppPackageError(`Unexpected archive entry ${entry.absolute}`);
        entry.path = target;
      },
    },
    rels,
  );
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
