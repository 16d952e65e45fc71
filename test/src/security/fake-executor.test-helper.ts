/**
 * A fake executor: speaks the real protocol through core's connectRpc, as an attacker on the
 * same host would. It is not a simulator of a good executor: tests script what it sends.
 */
import { connectRpc } from '@kindling/core/internal/rpc/connect-rpc';
import type { RpcConnection } from '@kindling/core/internal/rpc/rpc-connection';

export function driverAddress(driverUrl: string): { host: string; port: number } {
  const m = /^kindling:\/\/(.+):(\d+)$/.exec(driverUrl);
  if (!m) throw new Error(`not a driver URL: ${driverUrl}`);
  return { host: m[1]!, port: Number(m[2]) };
}

/** Connects to the driver as an executor would; rejects when the driver refuses the handshake. */
export function connectAsExecutor(driverUrl: string, secret?: string): Promise<RpcConnection> {
  return connectRpc({ ...driverAddress(driverUrl), secret, authTimeoutMs: 10_000, timeoutMs: 10_000 });
}

/** Registers and reports launched, with one core: the driver then offers it tasks. */
export async function registerFake(conn: RpcConnection, executorId: string): Promise<void> {
  await conn.ask('registerExecutor', { executorId, host: 'localhost', cores: 1, blockPort: 1, localDir: '/nonexistent', pid: 1 });
  conn.send('launchedExecutor', { executorId });
}

export async function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: Error }> {
  try {
    return { ok: true, value: await p };
  } catch (e) {
    return { ok: false, error: e as Error };
  }
}
