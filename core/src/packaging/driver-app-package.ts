import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { KindlingConf } from '../conf/kindling-conf.js';
import { AppPackageError } from '../errors.js';
import type { AppPackage } from './app-package.js';
import { packApplication } from './pack-application.js';
import { safeExtract } from './unpack-app-package.js';
import { shippedFileEntries, splitPathList } from './shipped-files.js';

/** kindling.app.package.cacheDir's default: one cache per user, shared by that user's drivers. */
export function defaultPackageCacheDir(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  return path.join(os.tmpdir(), `kindling-app-packages-${uid}`);
}

/**
 * The application package of a driver, built on first use and then shared by every launcher:
 * kindling.app.root and the entry file (kindling.app.entry, else the script Node was started
 * with, which is also what kindling-submit runs), plus kindling.files and kindling.archives.
 */
export function appPackageOf(conf: KindlingConf): () => Promise<AppPackage> {
  let built: Promise<AppPackage> | undefined;
  return () => {
    built ??= (async () => {
      const appRoot = conf.get('kindling.app.root') ?? process.cwd();
      const entry = conf.get('kindling.app.entry') ?? process.argv[1];
      if (!entry) {
        throw new AppPackageError(
          'Cannot tell which file is the application (process.argv[1] is empty, as in a REPL); set kindling.app.entry to the entry file',
        );
      }
      return packApplication({
        appRoot,
        entry: path.resolve(entry),
        cacheDir: conf.get('kindling.app.package.cacheDir') ?? defaultPackageCacheDir(),
        exclude: splitPathList(conf.get('kindling.app.exclude')),
        files: splitPathList(conf.get('kindling.files')),
        archives: splitPathList(conf.get('kindling.archives')),
      });
    })();
    return built;
  };
}

/**
 * The driver's own copy of kindling.files and kindling.archives (archives unpacked), so that
 * KindlingFiles.get works on the driver and in local mode as it does on executors. Returns the
 * directory, or undefined when nothing is shipped; the caller removes it at stop().
 */
export async function prepareDriverFiles(conf: KindlingConf): Promise<string | undefined> {
  const shipped = shippedFileEntries(splitPathList(conf.get('kindling.files')), splitPathList(conf.get('kindling.archives')));
  if (shipped.files.length === 0 && shipped.archives.length === 0) return undefined;
  const root = conf.get('kindling.local.dir') ?? os.tmpdir();
  fs.mkdirSync(root, { recursive: true });
  const dir = fs.mkdtempSync(path.join(root, 'kindling-files-'));
  for (const f of shipped.files) fs.copyFileSync(f.source, path.join(dir, f.name));
  for (const a of shipped.archives) {
    const dest = path.join(dir, a.name);
    fs.mkdirSync(dest);
    await safeExtract(a.source, dest, { what: `kindling.archives entry '${a.name}' (${a.source})`, allowInternalLinks: true });
  }
  return dir;
}
