import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExecutorCommandOptions } from '../cluster/executor-command.js';
import { rpcSettings } from '../cluster/rpc-settings.js';
import { KindlingConf } from '../conf/kindling-conf.js';
import { KindlingError } from '../errors.js';
import { BlockTransferClient } from '../rpc/block-transfer-client.js';
import { BlockTransferServer } from '../rpc/block-transfer-server.js';
import { connectRpc } from '../rpc/rpc-server.js';
import type { RpcConnectionLike, RpcMessage } from '../rpc/rpc-types.js';
import { taskDescriptionOf } from './task-description-codec.js';
import { Executor } from './executor.js';
import { useUnpackedPackage } from '../packaging/unpacked-app.js';

/** The command-line arguments of `kindling-executor`. */
export type ExecutorProcessArgs = Pick<ExecutorCommandOptions, 'driverUrl' | 'executorId' | 'hostname' | 'cores' | 'appId' | 'workDir'> & {
  /** An unpacked application package: the app's modules and KindlingFiles are loaded from here, not from the driver's kindling.app.root. */
  appRoot?: string;
};

/**
 * The executor process's side of the coarse-grained protocol: fetch the app config, start the
 * block server, register (a duplicate id is refused), report launched, then run tasks and
 * heartbeat until told to stop or the driver goes away.
 */
export class CoarseGrainedExecutorBackend {
  private conn: RpcConnectionLike | undefined;
  private executor: Executor | undefined;
  private blockServer: BlockTransferServer | undefined;
  private blockClient: BlockTransferClient | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private stopping = false;
  private exitResolve!: (code: number) => void;
  /** Resolves with the process exit code. */
  readonly exited = new Promise<number>((resolve) => (this.exitResolve = resolve));

  constructor(private readonly args: ExecutorProcessArgs) {}

  async run(): Promise<void> {
    const { host, port } = parseDriverUrl(this.args.driverUrl);
    const secret = process.env['KINDLING_AUTH_SECRET'];
    const conn = await connectRpc({ host, port, secret });
    this.conn = conn;
    conn.onClose((err) => {
      if (!this.stopping) void this.shutdown(1, `Driver ${this.args.driverUrl} disconnected${err ? `: ${err.message}` : ''}`);
    });

    // 1. The app config: every kindling.* key the driver runs with.
    const config = await conn.ask('retrieveAppConfig', { executorId: this.args.executorId });
    const conf = new KindlingConf(config.payload['entries'] as Record<string, string>);
    if (this.args.appRoot) useUnpackedPackage(conf, this.args.appRoot);
    const settings = rpcSettings(conf);

    fs.mkdirSync(this.args.workDir, { recursive: true });
    this.blockClient = new BlockTransferClient({
      secret: settings.secret,
      maxFrameBytes: settings.maxFrameBytes,
      timeoutMs: settings.heartbeatTimeoutMs,
      maxBytesInFlight: conf.getSizeBytes('kindling.reducer.maxSizeInFlight', '48m'),
    });
    this.executor = new Executor({
      executorId: this.args.executorId,
      host: this.args.hostname,
      cores: this.args.cores,
      conf,
      localRoot: this.args.workDir,
      driver: {
        fetchTaskBinary: async (id) => bodyOf(await conn.ask('fetchTaskBinary', { binaryId: id })),
        fetchBroadcast: (id) => fetchBroadcastChunks(conn, id, Math.min(4 * 1024 * 1024, settings.maxFrameBytes - 64 * 1024)),
        statusUpdate: (taskId, state, data) => {
          if (!conn.closed) conn.send('statusUpdate', { executorId: this.args.executorId, taskId, state }, data);
        },
      },
      remoteFetcher: (requests) => this.blockClient!.fetchBlocks(requests),
      maxResultBytes: settings.maxFrameBytes,
    });
    this.blockServer = await BlockTransferServer.start({
      host: conf.get('kindling.blockManager.bindAddress', '127.0.0.1'),
      port: 0,
      secret: settings.secret,
      maxFrameBytes: settings.maxFrameBytes,
      shuffleDir: path.join(this.executor.localDir, 'shuffle'),
      blockStore: this.executor.blocks,
    });
    await this.executor.start();

    // 2. Register; the driver refuses a duplicate id.
    try {
      await conn.ask('registerExecutor', {
        executorId: this.args.executorId,
        host: this.args.hostname,
        cores: this.args.cores,
        blockPort: this.blockServer.port,
        localDir: this.executor.localDir,
        pid: process.pid,
      });
    } catch (e) {
      await this.shutdown(1, `Cannot register with driver: ${this.args.driverUrl}: ${(e as Error).message}`);
      return;
    }
    conn.onMessage((msg) => this.handle(msg));
    // 3. Only now does the driver start offering this executor's cores.
    conn.send('launchedExecutor', { executorId: this.args.executorId });
    this.heartbeat = setInterval(() => {
      if (!conn.closed) conn.send('heartbeat', { executorId: this.args.executorId, activeTasks: this.executor?.activeTasks ?? 0 });
    }, settings.heartbeatIntervalMs);
  }

  private handle(msg: RpcMessage): void {
    const p = msg.payload;
    switch (msg.type) {
      case 'launchTask':
        this.executor?.launchTask(taskDescriptionOf(p));
        return;
      case 'killTask':
        this.executor?.killTask(Number(p['taskId']), String(p['reason']));
        return;
      case 'stopExecutor':
        void this.shutdown(0, undefined);
        return;
      case 'removeRdd':
        this.executor?.removeRdd(Number(p['rddId']));
        return;
      case 'removeBroadcast':
        this.executor?.removeBroadcast(Number(p['broadcastId']));
        return;
      default:
        throw new KindlingError(`Executors do not handle '${msg.type}' messages`);
    }
  }

  async shutdown(code: number, reason: string | undefined): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (reason) process.stderr.write(`kindling-executor ${this.args.executorId}: ${reason}\n`);
    clearInterval(this.heartbeat);
    await this.executor?.stop().catch(() => undefined);
    await this.blockServer?.close().catch(() => undefined);
    this.blockClient?.close();
    this.conn?.close();
    this.exitResolve(code);
  }
}

function bodyOf(msg: RpcMessage): Uint8Array {
  if (!msg.body) throw new KindlingError(`The driver's '${msg.type}' reply carried no data`);
  return msg.body;
}

/** Broadcast values come in chunks that each fit in a frame, then are joined. */
async function fetchBroadcastChunks(conn: RpcConnectionLike, broadcastId: number, chunkBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  let total = Infinity;
  while (offset < total) {
    const reply = await conn.ask('fetchBroadcast', { broadcastId, offset, length: chunkBytes });
    total = Number(reply.payload['size']);
    const body = reply.body ?? new Uint8Array();
    if (body.byteLength === 0 && offset < total) throw new KindlingError(`Broadcast ${broadcastId} chunk at ${offset} came back empty`);
    chunks.push(body);
    offset += body.byteLength;
  }
  return Buffer.concat(chunks);
}

/** kindling://host:port (Spark's spark://CoarseGrainedScheduler@host:port has the same parts). */
export function parseDriverUrl(url: string): { host: string; port: number } {
  const m = /^kindling:\/\/(?:[^@/]+@)?(\[[^\]]+\]|[^:/]+):(\d+)\/?$/.exec(url);
  if (!m) throw new KindlingError(`Invalid --driver-url '${url}'; expected kindling://host:port`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}
