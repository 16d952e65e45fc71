/** A connected node-zookeeper-client session with promise helpers, for the master's ZOOKEEPER recovery mode. */
import zookeeper from 'node-zookeeper-client';
import { StandaloneError } from './standalone-error.js';

export class ZooKeeperSession {
  private constructor(readonly client: zookeeper.Client) {}

  static async connect(url: string, sessionTimeoutMs: number, timeoutMs = 15_000): Promise<ZooKeeperSession> {
    const client = zookeeper.createClient(url, { sessionTimeout: sessionTimeoutMs, spinDelay: 500, retries: 3 });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        client.close();
        reject(new StandaloneError(`Cannot connect to ZooKeeper at ${url} (kindling.deploy.zookeeper.url) within ${timeoutMs} ms`));
      }, timeoutMs);
      client.once('connected', () => {
        clearTimeout(timer);
        resolve();
      });
      client.connect();
    });
    return new ZooKeeperSession(client);
  }

  mkdirp(path: string): Promise<void> {
    return new Promise((resolve, reject) => this.client.mkdirp(path, (e) => (e ? reject(e) : resolve())));
  }

  create(path: string, data: Buffer, mode: number): Promise<string> {
    return new Promise((resolve, reject) => this.client.create(path, data, mode, (e, p) => (e ? reject(e) : resolve(p))));
  }

  setOrCreate(path: string, data: Buffer): Promise<void> {
    return new Promise((resolve, reject) =>
      this.client.setData(path, data, -1, (e) => {
        if (!e) return resolve();
        if ((e as { getCode?: () => number }).getCode?.() !== zookeeper.Exception.NO_NODE) return reject(e);
        this.client.create(path, data, zookeeper.CreateMode.PERSISTENT, (e2) => (e2 ? reject(e2) : resolve()));
      }),
    );
  }

  remove(path: string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.client.remove(path, -1, (e) => (!e || (e as { getCode?: () => number }).getCode?.() === zookeeper.Exception.NO_NODE ? resolve() : reject(e))),
    );
  }

  children(path: string, watcher?: () => void): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const cb = (e: Error | zookeeper.Exception | null, children: string[]) => (e ? reject(e) : resolve(children));
      if (watcher) this.client.getChildren(path, () => watcher(), cb);
      else this.client.getChildren(path, cb);
    });
  }

  data(path: string): Promise<Buffer> {
    return new Promise((resolve, reject) => this.client.getData(path, (e, d) => (e ? reject(e) : resolve(d))));
  }

  close(): void {
    this.client.close();
  }
}
