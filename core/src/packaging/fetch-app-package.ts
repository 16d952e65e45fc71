import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AppPackageError } from '../errors.js';
import { connectRpc } from '../rpc/connect-rpc.js';
import type { RpcConnectionLike } from '../rpc/rpc-types.js';
import { parseDriverUrl } from '../executor/coarse-grained-executor-backend.js';
import { isUnpacked, unpackAppPackage, unpackedPackageDir } from './unpack-app-package.js';

export interface FetchAppPackageOptions {
  /** kindling://host:port of the driver. */
  driverUrl: string;
  /** The package's SHA-256 (ExecutorAppSource.hash). */
  hash: string;
  /** kindling.authenticate.secret, when the driver requires it. */
  secret?: string;
  /** Host-wide directory of unpacked packages; this one goes into packageDir/<hash>. */
  packageDir: string;
  /** Bytes per request; each chunk travels in one frame. Default 4 MiB. */
  chunkBytes?: number;
  /** Reuse an open connection to the driver instead of opening one. */
  connection?: RpcConnectionLike;
}

const DEFAULT_CHUNK = 4 * 1024 * 1024;

/**
 * Downloads the application package from the driver's file service (fetchAppPackage over the
 * authenticated RPC, in chunks) and unpacks it into packageDir/<hash>, unless this host already
 * has it. Returns the unpacked root.
 */
export async function fetchAppPackage(o: FetchAppPackageOptions): Promise<string> {
  const root = unpackedPackageDir(o.packageDir, o.hash);
  if (isUnpacked(o.packageDir, o.hash)) return root;
  fs.mkdirSync(o.packageDir, { recursive: true });
  const download = path.join(path.resolve(o.packageDir), `.download-${o.hash.slice(0, 12)}-${process.pid}-${randomBytes(4).toString('hex')}.tgz`);
  const conn = o.connection ?? (await connectRpc({ ...parseDriverUrl(o.driverUrl), secret: o.secret }));
  let appName = 'unknown';
  try {
    const out = fs.openSync(download, 'w');
    try {
      const chunkBytes = o.chunkBytes ?? DEFAULT_CHUNK;
      let offset = 0;
      let total = Infinity;
      while (offset < total) {
        const reply = await conn.ask('fetchAppPackage', { hash: o.hash, offset, length: chunkBytes });
        total = Number(reply.payload['size']);
        appName = String(reply.payload['appName'] || appName);
        const body = reply.body ?? new Uint8Array();
        if (body.byteLength === 0 && offset < total) {
          throw new AppPackageError(`The driver ${o.driverUrl} sent an empty chunk at byte ${offset} of application '${appName}' package ${o.hash}`);
        }
        fs.writeSync(out, body, 0, body.byteLength, offset);
        offset += body.byteLength;
      }
    } finally {
      fs.closeSync(out);
    }
    if (!o.connection) conn.close();
    return await unpackAppPackage(download, o.packageDir, o.hash, appName);
  } finally {
    if (!o.connection && !conn.closed) conn.close();
    fs.rmSync(download, { force: true });
  }
}
