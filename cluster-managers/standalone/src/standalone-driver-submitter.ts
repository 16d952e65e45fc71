/**
 * Core's DriverSubmitter port for spark:// masters (Spark's deploy.Client): uploads the app
 * package to the leading master over its RPC, submits the driver, and asks for its status or
 * its end. Once submit() resolves the submitting machine's copy of the app is no longer needed.
 */
import * as fs from 'node:fs';
import {
  connectRpc,
  rpcSettings,
  type DriverStatus,
  type DriverSubmission,
  type DriverSubmitRequest,
  type DriverSubmitter,
  type KindlingConf,
  type RpcConnectionLike,
} from '@kindling/core/cluster-manager';
import { StandaloneError } from './standalone-error.js';
import { formatStandaloneUrl, parseStandaloneUrl, type MasterAddress } from './standalone-master-url.js';
import { Msg, registerStandaloneMessages } from './standalone-messages.js';

const CHUNK = 4 * 1024 * 1024;

export class StandaloneDriverSubmitter implements DriverSubmitter {
  private readonly masters: MasterAddress[];
  private readonly secret: string | undefined;

  constructor(masterUrl: string, conf: KindlingConf) {
    registerStandaloneMessages();
    this.masters = parseStandaloneUrl(masterUrl);
    this.secret = rpcSettings(conf).secret;
  }

  async submit(r: DriverSubmitRequest): Promise<DriverSubmission> {
    return this.withLeader(async (conn) => {
      const pkg = r.appPackage;
      const fd = fs.openSync(pkg.archivePath, 'r');
      try {
        for (let offset = 0; offset < pkg.sizeBytes || offset === 0; ) {
          const chunk = Buffer.alloc(Math.min(CHUNK, pkg.sizeBytes - offset));
          const n = fs.readSync(fd, chunk, 0, chunk.byteLength, offset);
          await conn.ask(Msg.UploadAppPackage, { hash: pkg.hash, offset, size: pkg.sizeBytes }, chunk.subarray(0, n));
          offset += n;
          if (n === 0) break;
        }
      } finally {
        fs.closeSync(fd);
      }
      const conf = Object.fromEntries(Object.entries(r.conf).filter(([k]) => k !== 'kindling.authenticate.secret'));
      const answer = await conn.ask(Msg.SubmitDriver, {
        description: {
          appName: r.appName,
          conf,
          appArgs: [...r.appArgs],
          supervise: r.supervise,
          memoryMib: r.driverMemoryMiB,
          cores: r.driverCores,
          packageHash: pkg.hash,
          packageSize: pkg.sizeBytes,
          entry: pkg.entry,
        },
      });
      return { submissionId: String(answer.payload['driverId']), message: String(answer.payload['message']) };
    });
  }

  status(submissionId: string): Promise<DriverStatus> {
    return this.withLeader(async (conn) => toStatus((await conn.ask(Msg.RequestDriverStatus, { driverId: submissionId })).payload));
  }

  kill(submissionId: string): Promise<DriverStatus> {
    return this.withLeader(async (conn) => toStatus((await conn.ask(Msg.KillDriver, { driverId: submissionId })).payload));
  }

  /** Runs `fn` against the first master that is not a standby. */
  private async withLeader<T>(fn: (conn: RpcConnectionLike) => Promise<T>): Promise<T> {
    const problems: string[] = [];
    for (const m of this.masters) {
      let conn: RpcConnectionLike | undefined;
      try {
        conn = await connectRpc({ host: m.host, port: m.port, secret: this.secret, timeoutMs: 10_000, askTimeoutMs: 60_000 });
        const state = await conn.ask(Msg.RequestMasterState, {});
        const status = (JSON.parse(String(state.payload['json'])) as { status: string }).status;
        if (status !== 'ALIVE') {
          problems.push(`${formatStandaloneUrl([m])} is ${status}`);
          continue;
        }
        return await fn(conn);
      } catch (e) {
        if (conn && !conn.closed && e instanceof Error && e.name !== 'RpcConnectionError') throw e; // the leader refused: its reason stands
        problems.push(`${formatStandaloneUrl([m])}: ${(e as Error).message}`);
      } finally {
        conn?.close();
      }
    }
    throw new StandaloneError(`No master of ${formatStandaloneUrl(this.masters)} is ALIVE: ${problems.join('; ')}`);
  }
}

function toStatus(p: Record<string, unknown>): DriverStatus {
  const where = p['workerId'] ? `${String(p['workerId'])} (${String(p['workerHost'])})` : undefined;
  return { submissionId: String(p['driverId']), state: String(p['state']), location: where, message: String(p['message'] ?? '') || undefined };
}
