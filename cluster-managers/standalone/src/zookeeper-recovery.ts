/**
 * kindling.deploy.recoveryMode=ZOOKEEPER (Spark's ZooKeeperPersistenceEngine and
 * ZooKeeperLeaderElectionAgent): masters elect a leader through ephemeral sequential znodes under
 * <dir>/leader_election, and the leader keeps workers and apps under <dir>/master_status.
 */
import zookeeper from 'node-zookeeper-client';
import type { PersistenceEngine, RecordKind } from './persistence-engine.js';
import { ZooKeeperSession } from './zookeeper-client.js';

const SAFE_ID = /^[A-Za-z0-9._-]+$/;

export class ZooKeeperPersistenceEngine implements PersistenceEngine {
  private constructor(
    private readonly zk: ZooKeeperSession,
    private readonly dir: string,
  ) {}

  static async open(zk: ZooKeeperSession, baseDir: string): Promise<ZooKeeperPersistenceEngine> {
    const dir = `${baseDir}/master_status`;
    await zk.mkdirp(dir);
    return new ZooKeeperPersistenceEngine(zk, dir);
  }

  async persist(kind: RecordKind, id: string, record: object): Promise<void> {
    if (!SAFE_ID.test(id)) throw new Error(`Refusing to persist ${kind} with unsafe id '${id}'`);
    await this.zk.setOrCreate(`${this.dir}/${kind}_${id}`, Buffer.from(JSON.stringify(record)));
  }

  async unpersist(kind: RecordKind, id: string): Promise<void> {
    if (SAFE_ID.test(id)) await this.zk.remove(`${this.dir}/${kind}_${id}`);
  }

  async readAll<T>(kind: RecordKind): Promise<T[]> {
    const out: T[] = [];
    for (const name of (await this.zk.children(this.dir)).sort()) {
      if (name.startsWith(`${kind}_`)) out.push(JSON.parse((await this.zk.data(`${this.dir}/${name}`)).toString('utf8')) as T);
    }
    return out;
  }

  async close(): Promise<void> {}
}

/** Calls `onElected` once this master's latch is the lowest; `onRevoked` if its session is lost. */
export class ZooKeeperLeaderElection {
  private stopped = false;
  private leader = false;

  private constructor(
    private readonly zk: ZooKeeperSession,
    private readonly dir: string,
    private readonly latch: string,
  ) {}

  static async join(zk: ZooKeeperSession, baseDir: string, id: string, onElected: () => void, onRevoked: () => void): Promise<ZooKeeperLeaderElection> {
    const dir = `${baseDir}/leader_election`;
    await zk.mkdirp(dir);
    const latch = await zk.create(`${dir}/latch-`, Buffer.from(id), zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL);
    const election = new ZooKeeperLeaderElection(zk, dir, latch.slice(dir.length + 1));
    zk.client.on('expired', () => !election.stopped && onRevoked());
    zk.client.on('disconnected', () => !election.stopped && onRevoked());
    await election.check(onElected);
    return election;
  }

  stop(): void {
    this.stopped = true;
  }

  private async check(onElected: () => void): Promise<void> {
    if (this.stopped || this.leader) return;
    const children = (await this.zk.children(this.dir, () => void this.check(onElected).catch(() => undefined))).filter((c) => c.startsWith('latch-')).sort();
    if (children[0] === this.latch && !this.leader) {
      this.leader = true; // until the session ends
      onElected();
    }
  }
}
