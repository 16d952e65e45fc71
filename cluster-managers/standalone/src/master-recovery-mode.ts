/** Which PersistenceEngine a master uses (kindling.deploy.recoveryMode), and its ZooKeeper session if any. */
import type { KindlingConf } from '@kindling/core/cluster-manager';
import { BlackHolePersistenceEngine, FileSystemPersistenceEngine, type PersistenceEngine } from './persistence-engine.js';
import { StandaloneError } from './standalone-error.js';
import { ZooKeeperSession } from './zookeeper-client.js';
import { ZooKeeperPersistenceEngine } from './zookeeper-recovery.js';

export interface RecoveryMode {
  persistence: PersistenceEngine;
  /** ZOOKEEPER mode: the session the leader election runs on, and the znode root. */
  zk?: { session: ZooKeeperSession; dir: string };
}

export async function openRecoveryMode(conf: KindlingConf): Promise<RecoveryMode> {
  const mode = conf.get('kindling.deploy.recoveryMode', 'NONE').toUpperCase();
  if (mode === 'ZOOKEEPER') {
    const session = await ZooKeeperSession.connect(zooKeeperUrl(conf), conf.getTimeMs('kindling.deploy.zookeeper.sessionTimeout', '10s'));
    const dir = conf.get('kindling.deploy.zookeeper.dir', '/kindling');
    return { persistence: await ZooKeeperPersistenceEngine.open(session, dir), zk: { session, dir } };
  }
  return { persistence: persistenceFor(conf) };
}

function persistenceFor(conf: KindlingConf): PersistenceEngine {
  const mode = conf.get('kindling.deploy.recoveryMode', 'NONE').toUpperCase();
  if (mode === 'NONE') return new BlackHolePersistenceEngine();
  if (mode === 'FILESYSTEM') {
    const dir = conf.get('kindling.deploy.recoveryDirectory');
    if (!dir) throw new StandaloneError('kindling.deploy.recoveryMode=FILESYSTEM needs kindling.deploy.recoveryDirectory (a directory the master can write)');
    return new FileSystemPersistenceEngine(dir);
  }
  throw new StandaloneError(`kindling.deploy.recoveryMode must be NONE, FILESYSTEM or ZOOKEEPER, got '${conf.get('kindling.deploy.recoveryMode')}'`);
}

function zooKeeperUrl(conf: KindlingConf): string {
  const url = conf.get('kindling.deploy.zookeeper.url');
  if (!url) throw new StandaloneError('kindling.deploy.recoveryMode=ZOOKEEPER needs kindling.deploy.zookeeper.url, e.g. zk1:2181,zk2:2181');
  return url;
}
