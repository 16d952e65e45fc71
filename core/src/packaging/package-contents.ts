import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppPackageError } from '../errors.js';

/** One file of the archive: where it is read from, and its path inside the archive. */
export interface PackageFile {
  /** Real (symlink-free) absolute path on this machine. */
  readonly source: string;
  /** Path inside the archive, '/'-separated, relative to the package root. */
  readonly archivePath: string;
}

export interface PackageContentsOptions {
  /** kindling.app.root: the directory useModule('./x') resolves against. */
  appRoot: string;
  /** The entry file (absolute, or relative to appRoot). */
  entry: string;
  /** Paths relative to appRoot left out of the archive (kindling.app.exclude). */
  exclude?: readonly string[];
  /** Never packed (the package cache itself, when it lives in the app's directory). */
  skipDirs?: readonly string[];
}

export interface PackageContents {
  /** The directory the archive root stands for: the nearest one at or above appRoot with a package.json. */
  readonly packageRoot: string;
  /** appRoot relative to packageRoot ('' when they are the same). */
  readonly appDir: string;
  /** The entry file relative to packageRoot. */
  readonly entry: string;
  /** Sorted by archive path. */
  readonly files: readonly PackageFile[];
}

const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml'];

/** The real directory of the @kindling/core that is running (two levels above dist/packaging/). */
const OWN_CORE_DIR = fs.realpathSync(fileURLToPath(new URL('../../', import.meta.url)));

/**
 * What goes into an application's archive: the entry file, package.json and the lockfile, every
 * file under appRoot (the app's local modules; node_modules and dot-entries left out), and the
 * production dependency closure of package.json (dependencies, optionalDependencies, peers that
 * are installed, and workspace members) as Node would resolve it, symlinks (workspaces, npm link)
 * replaced by real files. The running @kindling/core is added when the app's tree has none, so
 * executors always run the Kindling version the driver runs.
 */
export function collectPackageContents(o: PackageContentsOptions): PackageContents {
  const appRoot = realDir(o.appRoot, 'kindling.app.root');
  const packageRoot = findPackageRoot(appRoot);
  const entryAbs = path.resolve(appRoot, o.entry);
  if (!fs.existsSync(entryAbs)) throw new AppPackageError(`The application's entry file ${entryAbs} does not exist`);
  const entryReal = fs.realpathSync(entryAbs);
  const files = new Map<string, string>(); // archive path -> source
  const add = (archivePath: string, source: string) => {
    if (!files.has(archivePath)) files.set(archivePath, source);
  };

  // 1. node_modules: the production dependency closure, placed where Node's resolution finds it.
  const packages = new DependencyWalker(packageRoot);
  packages.addRoot();
  for (const [archiveDir, realPkgDir] of packages.placed) addPackageFiles(realPkgDir, archiveDir, add);

  // 2. The app's own files.
  const skip = new Set<string>([...packages.placed.values(), ...(o.skipDirs ?? []).map((d) => path.resolve(d))]);
  const excluded = new Set((o.exclude ?? []).map((e) => path.resolve(appRoot, e)));
  for (const name of ['package.json', ...LOCKFILES]) {
    const p = path.join(packageRoot, name);
    if (fs.existsSync(p)) add(name, fs.realpathSync(p));
  }
  walkLocal(appRoot, packageRoot, skip, excluded, add);
  const entryRel = toArchivePath(path.relative(packageRoot, entryAbs));
  if (entryRel.startsWith('../')) {
    throw new AppPackageError(
      `The application's entry file ${entryAbs} is outside its package root ${packageRoot}; ` +
        'move it into the project or set kindling.app.root to a directory that contains it',
    );
  }
  add(entryRel, entryReal);

  const sorted = [...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    packageRoot,
    appDir: toArchivePath(path.relative(packageRoot, appRoot)),
    entry: entryRel,
    files: sorted.map(([archivePath, source]) => ({ archivePath, source })),
  };
}

/** The nearest directory at or above `dir` with a package.json; `dir` itself when there is none. */
export function findPackageRoot(dir: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'package.json'))) return d;
    if (path.dirname(d) === d) return dir;
  }
}

/** Finds packages the way Node does (node_modules of each ancestor) and decides where each goes in the archive. */
class DependencyWalker {
  /** Archive directory (e.g. node_modules/acorn) -> real package directory. */
  readonly placed = new Map<string, string>();
  private readonly visited = new Set<string>();
  /** Breadth-first, so the app's own dependencies claim the top-level slots before anything they depend on. */
  private readonly queue: Array<{ archiveDir: string; real: string }> = [];

  constructor(private readonly packageRoot: string) {}

  addRoot(): void {
    const manifest = readManifest(this.packageRoot);
    const names = dependencyNames(manifest);
    for (const ws of workspaceMembers(this.packageRoot, manifest)) names.set(ws, false);
    for (const [name, optional] of names) this.place(name, this.packageRoot, '', optional);
    this.drain();
    if (!this.placed.has('node_modules/@kindling/core')) {
      this.placeAt('node_modules/@kindling/core', OWN_CORE_DIR);
      this.drain();
    }
  }

  private drain(): void {
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      for (const [dep, optional] of dependencyNames(readManifest(next.real))) this.place(dep, next.real, next.archiveDir, optional);
    }
  }

  /** Places `name` as required by the package at real dir `fromReal`, whose archive dir is `fromArchive`. */
  private place(name: string, fromReal: string, fromArchive: string, optional: boolean): void {
    const found = resolvePackageDir(name, fromReal);
    if (!found) {
      if (optional) return;
      throw new AppPackageError(
        `Cannot pack the application: '${name}' (a dependency of ${path.join(fromReal, 'package.json')}) is not installed; run npm install`,
      );
    }
    const real = fs.realpathSync(found.dir);
    // In the requirer's own node_modules: keep it nested. From an ancestor: the top-level slot, unless another copy holds it.
    const nested = joinArchive(fromArchive, 'node_modules', name);
    let target = found.base === fromReal ? nested : joinArchive('node_modules', name);
    const occupant = this.placed.get(target);
    if (occupant !== undefined && occupant !== real) target = nested;
    this.placeAt(target, real);
  }

  private placeAt(archiveDir: string, real: string): void {
    const key = `${archiveDir}\0${real}`;
    if (this.visited.has(key)) return;
    this.visited.add(key);
    const occupant = this.placed.get(archiveDir);
    if (occupant !== undefined && occupant !== real) {
      throw new AppPackageError(`Two different packages would go to ${archiveDir} in the archive: ${occupant} and ${real}`);
    }
    this.placed.set(archiveDir, real);
    this.queue.push({ archiveDir, real });
  }
}

/** The directory Node would load `name` from when required by a file in `fromDir`. */
function resolvePackageDir(name: string, fromDir: string): { dir: string; base: string } | undefined {
  for (let d = fromDir; ; d = path.dirname(d)) {
    if (path.basename(d) !== 'node_modules') {
      const candidate = path.join(d, 'node_modules', name);
      if (fs.existsSync(path.join(candidate, 'package.json'))) return { dir: candidate, base: d };
    }
    if (path.dirname(d) === d) return undefined;
  }
}

function readManifest(dir: string): Record<string, unknown> {
  const file = path.join(dir, 'package.json');
  if (!fs.existsSync(file)) return {};
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new AppPackageError(`Cannot pack the application: ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** name -> optional? Dependencies and optionalDependencies; peers only when installed (npm 7+ installs them). */
function dependencyNames(manifest: Record<string, unknown>): Map<string, boolean> {
  const out = new Map<string, boolean>();
  const keys = (field: string) => Object.keys((manifest[field] as Record<string, string> | undefined) ?? {});
  for (const n of keys('peerDependencies')) out.set(n, true);
  for (const n of keys('optionalDependencies')) out.set(n, true);
  for (const n of keys('dependencies')) out.set(n, false);
  return out;
}

/** Package names of an npm/yarn workspace root's members (plain directory entries and `dir/*` globs). */
function workspaceMembers(root: string, manifest: Record<string, unknown>): string[] {
  const ws = manifest['workspaces'];
  const patterns = Array.isArray(ws) ? ws : Array.isArray((ws as { packages?: unknown })?.packages) ? (ws as { packages: unknown[] }).packages : [];
  const dirs: string[] = [];
  for (const p of patterns.map(String)) {
    if (p.endsWith('/*')) {
      const parent = path.join(root, p.slice(0, -2));
      if (fs.existsSync(parent)) for (const e of fs.readdirSync(parent)) dirs.push(path.join(parent, e));
    } else dirs.push(path.join(root, p));
  }
  return dirs.map((d) => readManifest(d)['name']).filter((n): n is string => typeof n === 'string');
}

/** A package's files: everything but its nested node_modules (placed separately) and build caches. */
function addPackageFiles(realDir: string, archiveDir: string, add: (archivePath: string, source: string) => void): void {
  const walk = (dir: string, rel: string, seen: Set<string>) => {
    for (const entry of fs.readdirSync(dir).sort()) {
      if (rel === '' && entry === 'node_modules') continue;
      if (entry === '.git' || entry.endsWith('.tsbuildinfo')) continue;
      const full = path.join(dir, entry);
      const stat = safeStat(full);
      if (!stat) continue; // a dangling link (e.g. a .bin entry whose target is gone)
      const childRel = rel === '' ? entry : `${rel}/${entry}`;
      if (stat.isDirectory()) {
        if (entry === 'node_modules') continue; // nested installs are placed by the walker
        const real = fs.realpathSync(full);
        if (seen.has(real)) continue;
        walk(full, childRel, new Set(seen).add(real));
      } else if (stat.isFile()) {
        add(joinArchive(archiveDir, childRel), fs.realpathSync(full));
      }
    }
  };
  walk(realDir, '', new Set([realDir]));
}

/** The app's local files under appRoot, leaving out node_modules, dot-entries, packages already placed and exclusions. */
function walkLocal(
  appRoot: string,
  packageRoot: string,
  skip: ReadonlySet<string>,
  excluded: ReadonlySet<string>,
  add: (archivePath: string, source: string) => void,
): void {
  const walk = (dir: string, seen: Set<string>) => {
    for (const entry of fs.readdirSync(dir).sort()) {
      if (entry === 'node_modules' || entry.startsWith('.') || entry.endsWith('.tsbuildinfo')) continue;
      const full = path.join(dir, entry);
      if (excluded.has(full)) continue;
      const stat = safeStat(full);
      if (!stat) continue;
      const real = fs.realpathSync(full);
      if (stat.isDirectory()) {
        if (skip.has(real) || skip.has(full) || seen.has(real)) continue;
        walk(full, new Set(seen).add(real));
      } else if (stat.isFile()) {
        add(toArchivePath(path.relative(packageRoot, full)), real);
      }
    }
  };
  walk(appRoot, new Set([appRoot]));
}

function realDir(dir: string, what: string): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new AppPackageError(`Cannot pack the application: ${what} ${dir} does not exist`);
  }
  if (!stat.isDirectory()) throw new AppPackageError(`Cannot pack the application: ${what} ${dir} is not a directory`);
  return fs.realpathSync(dir);
}

function safeStat(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

function toArchivePath(p: string): string {
  return p.split(path.sep).join('/');
}

function joinArchive(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/');
}
