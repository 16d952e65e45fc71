import * as fs from 'node:fs';
import { AppPackageError } from '../errors.js';
import type { Reply } from '../rpc/rpc-types.js';
import type { AppPackage } from './app-package.js';

/** Larger requests are answered with this much; the client asks again from where it got to. */
const MAX_CHUNK = 8 * 1024 * 1024;

/**
 * The driver's file service for the application package: answers one fetchAppPackage request
 * with a chunk of the archive. It runs on the driver's RPC server, so with kindling.authenticate
 * a caller without the secret never gets here.
 */
export async function serveAppPackageChunk(
  appPackage: () => Promise<AppPackage>,
  appName: string,
  payload: Record<string, unknown>,
  reply: Reply,
): Promise<void> {
  const pkg = await appPackage();
  const hash = String(payload['hash'] ?? '');
  if (hash !== pkg.hash) throw new AppPackageError(`This driver serves application package ${pkg.hash}, not '${hash}'`);
  const offset = Number(payload['offset'] ?? 0);
  const length = Math.min(Number(payload['length'] ?? MAX_CHUNK) || MAX_CHUNK, MAX_CHUNK);
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > pkg.sizeBytes) {
    throw new AppPackageError(`Offset ${payload['offset']} is outside application package ${hash} (${pkg.sizeBytes} bytes)`);
  }
  const chunk = Buffer.alloc(Math.min(length, pkg.sizeBytes - offset));
  const fh = await fs.promises.open(pkg.archivePath, 'r');
  try {
    const { bytesRead } = await fh.read(chunk, 0, chunk.byteLength, offset);
    reply('appPackageData', { hash, size: pkg.sizeBytes, appName }, chunk.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}
