/**
 * Serves the application's package (AppPackage, a .tgz) over plain HTTP so the Mesos fetcher can
 * download it into each executor's sandbox through a CommandInfo URI: the fetcher speaks HTTP(S),
 * not Kindling's RPC. It binds kindling.driver.bindAddress (loopback by default) and answers only
 * GET/HEAD of the one archive path. With kindling.authenticate=true that path holds an unguessable
 * per-application token (32 random bytes), since the fetcher cannot do Kindling's handshake:
 * anyone without the token gets 404. Everything else gets 404 too, so no path is ever resolved
 * against the file system.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppPackage, KindlingConf } from '@kindling/core/cluster-manager';

export class AppPackageServer {
  private server: http.Server | undefined;
  private pkg: AppPackage | undefined;
  private urlPath = '';
  private started: Promise<string> | undefined;
  private stopped = false;

  constructor(
    private readonly appPackage: () => Promise<AppPackage>,
    private readonly conf: KindlingConf,
  ) {}

  /** The fetcher URI of the package: built (or reused from the cache) and served on first call. */
  uri(): Promise<string> {
    this.started ??= this.start();
    return this.started;
  }

  private async start(): Promise<string> {
    const pkg = await this.appPackage();
    if (this.stopped) throw new Error('the application package server is stopped');
    this.pkg = pkg;
    const authenticate = this.conf.getBoolean('kindling.authenticate', false);
    const token = authenticate ? `${crypto.randomBytes(32).toString('hex')}/` : '';
    this.urlPath = `/app/${token}${pkg.hash}.tgz`;
    const server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.conf.getInt('kindling.mesos.appPackage.port', 0), this.conf.get('kindling.driver.bindAddress', '127.0.0.1'), resolve);
    });
    this.server = server;
    const { port } = server.address() as AddressInfo;
    const host = this.conf.get('kindling.driver.host', '127.0.0.1');
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}${this.urlPath}`;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.started?.catch(() => undefined);
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const pkg = this.pkg!;
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.url !== this.urlPath) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found\n');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/gzip', 'Content-Length': pkg.sizeBytes });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    fs.createReadStream(pkg.archivePath)
      .on('error', () => res.destroy())
      .pipe(res);
  }
}
