/** Written into every application archive, so an executor knows the layout without asking the driver. */
export interface AppManifest {
  /** Archive layout version (pack-application's PACK_FORMAT). */
  readonly format: number;
  /** kindling.app.root relative to the archive root ('' when it is the root). */
  readonly appDir: string;
  /** The entry file relative to the archive root. */
  readonly entry: string;
  /** Names of kindling.files entries, stored under FILES_DIR. */
  readonly files: readonly string[];
  /** Names of kindling.archives entries, stored under ARCHIVES_SOURCE_DIR and unpacked into FILES_DIR/<name>/. */
  readonly archives: readonly string[];
}

export const APP_MANIFEST = '.kindling-app.json';
/** Where KindlingFiles.get finds shipped files and unpacked archives, relative to the archive root. */
export const FILES_DIR = '.kindling/files';
export const ARCHIVES_SOURCE_DIR = '.kindling/archives';
