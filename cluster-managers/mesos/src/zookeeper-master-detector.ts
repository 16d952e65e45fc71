/**
 * Leader detection for mesos://zk://hosts/path, as Mesos' own detector and pymesos do: every master
 * holds an ephemeral sequential znode `json.info_<seq>` under the path, whose data is its JSON
 * MasterInfo; the leader is the one with the lowest sequence number. Children are watched, so a
 * leader that goes away (session expiry, crash) is followed to its successor.
 */
import zookeeper from 'node-zookeeper-client';
import { MesosError } from './mesos-errors.js';
import type { MasterDetector } from './master-detector.js';
import type { HostPort } from './mesos-master-url.js';
import type { MasterInfo } from './mesos-types.js';

const MEMBER = /^json\.info_(\d+)$/;

export interface ZooKeeperDetectorOptions {
  sessionTimeoutMs?: number;
  /** How long leader() waits before it fails with a clear error. */
  leaderTimeoutMs?: number;
  log?: (message: string) => void;
}

export class ZooKeeperMasterDetector implements MasterDetector {
  private client!: zookeeper.Client;
  private current: HostPort | undefined;
  private currentNode: string | undefined;
  private waiters: { resolve: (l: HostPort) => void; reject: (e: Error) => void }[] = [];
  private readonly listeners: ((l: HostPort) => void)[] = [];
  private closed = false;
  private lastProblem = 'not connected to ZooKeeper yet';

  constructor(
    private readonly connectString: string,
    private readonly path: string,
    private readonly options: ZooKeeperDetectorOptions = {},
  ) {
    this.connect();
  }

  private connect(): void {
    const client = zookeeper.createClient(this.connectString, { sessionTimeout: this.options.sessionTimeoutMs ?? 10_000, retries: 3 });
    this.client = client;
    client.on('connected', () => this.refresh());
    client.on('expired', () => {
      // node-zookeeper-client does not renew an expired session: start a new one.
      this.lastProblem = 'ZooKeeper session expired';
      client.close();
      if (!this.closed) this.connect();
    });
    client.connect();
  }

  leader(): Promise<HostPort> {
    if (this.closed) return Promise.reject(new MesosError('The ZooKeeper master detector is closed'));
    if (this.current) return Promise.resolve(this.current);
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      this.waiters.push(waiter);
      const timeout = this.options.leaderTimeoutMs ?? 60_000;
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(
          new MesosError(
            `No leading Mesos master found in ZooKeeper ${this.connectString} under ${this.path} within ${timeout} ms ` +
              `(${this.lastProblem}); check the mesos://zk:// URL and that a master is running`,
          ),
        );
      }, timeout);
      timer.unref();
      waiter.resolve = (l) => {
        clearTimeout(timer);
        resolve(l);
      };
    });
  }

  onChange(listener: (leader: HostPort) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiters) w.reject(new MesosError('The ZooKeeper master detector is closed'));
    this.waiters = [];
    this.client.close();
  }

  /** Lists the members (re-arming the watch) and follows the lowest one. */
  private refresh(): void {
    if (this.closed) return;
    this.client.getChildren(
      this.path,
      () => this.refresh(),
      (error, children) => {
        if (this.closed) return;
        if (error) {
          // NO_NODE: no master has registered yet; watch for the path to appear.
          this.lastProblem = `cannot list ${this.path}: ${String(error)}`;
          this.client.exists(this.path, () => this.refresh(), () => undefined);
          return;
        }
        const members = children
          .map((name) => ({ name, seq: MEMBER.exec(name)?.[1] }))
          .filter((m): m is { name: string; seq: string } => m.seq !== undefined)
          .sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
        const lowest = members[0];
        if (!lowest) {
          this.lastProblem = `no json.info_ member under ${this.path}`;
          this.setLeader(undefined, undefined);
          return;
        }
        if (lowest.name === this.currentNode) return;
        this.client.getData(`${this.path}/${lowest.name}`, (e, data) => {
          if (this.closed) return;
          if (e) {
            this.lastProblem = `cannot read ${lowest.name}: ${String(e)}`;
            return this.refresh(); // it went away between the list and the read
          }
          try {
            this.setLeader(lowest.name, masterAddress(JSON.parse(data.toString('utf8')) as MasterInfo));
          } catch (err) {
            this.lastProblem = `bad MasterInfo JSON in ${this.path}/${lowest.name}: ${(err as Error).message}`;
            this.options.log?.(this.lastProblem);
          }
        });
      },
    );
  }

  private setLeader(node: string | undefined, leader: HostPort | undefined): void {
    const changed = leader && (!this.current || leader.host !== this.current.host || leader.port !== this.current.port);
    this.currentNode = node;
    this.current = leader;
    if (!leader) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve(leader);
    if (changed) {
      this.options.log?.(`Mesos master leader is now ${leader.host}:${leader.port} (${node})`);
      for (const l of this.listeners) l(leader);
    }
  }
}

/** MasterInfo's address (hostname, else ip) and port; the deprecated packed `ip` as a last resort. */
export function masterAddress(info: MasterInfo): HostPort {
  const port = info.address?.port ?? info.port;
  const host = info.address?.hostname || info.address?.ip || info.hostname || (typeof info.ip === 'number' ? packedIp(info.ip) : '');
  if (!host || !port) throw new Error(`MasterInfo without an address: ${JSON.stringify(info)}`);
  return { host, port };
}

/** The deprecated `ip` field: IPv4 packed in network order, read as a little-endian uint32. */
function packedIp(ip: number): string {
  return [ip & 0xff, (ip >>> 8) & 0xff, (ip >>> 16) & 0xff, (ip >>> 24) & 0xff].join('.');
}
