/**
 * Where a master keeps the state a successor needs (Spark's PersistenceEngine): workers and
 * applications, one record each. Secrets are never persisted; drivers send them again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StandaloneError } from './standalone-error.js';

export type RecordKind = 'app' | 'worker' | 'driver';

export interface PersistenceEngine {
  persist(kind: RecordKind, id: string, record: object): Promise<void>;
  unpersist(kind: RecordKind, id: string): Promise<void>;
  readAll<T>(kind: RecordKind): Promise<T[]>;
  close(): Promise<void>;
}

/** No recovery (kindling.deploy.recoveryMode=NONE). */
export class BlackHolePersistenceEngine implements PersistenceEngine {
  async persist(): Promise<void> {}
  async unpersist(): Promise<void> {}
  async readAll<T>(): Promise<T[]> {
    return [];
  }
  async close(): Promise<void> {}
}

const SAFE_ID = /^[A-Za-z0-9._-]+$/;

/** kindling.deploy.recoveryMode=FILESYSTEM: one JSON file per record, written atomically (temp file + rename). */
export class FileSystemPersistenceEngine implements PersistenceEngine {
  constructor(private readonly dir: string) {
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.accessSync(dir, fs.constants.W_OK);
    } catch (e) {
      throw new StandaloneError(
        `kindling.deploy.recoveryDirectory '${dir}' is not a writable directory: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }

  async persist(kind: RecordKind, id: string, record: object): Promise<void> {
    const file = this.file(kind, id);
    const tmp = `${file}.${process.pid}.tmp`;
    const fd = await fs.promises.open(tmp, 'w', 0o600);
    try {
      await fd.writeFile(JSON.stringify(record));
      await fd.sync();
    } finally {
      await fd.close();
    }
    await fs.promises.rename(tmp, file);
  }

  async unpersist(kind: RecordKind, id: string): Promise<void> {
    await fs.promises.rm(this.file(kind, id), { force: true });
  }

  async readAll<T>(kind: RecordKind): Promise<T[]> {
    const out: T[] = [];
    for (const name of (await fs.promises.readdir(this.dir)).sort()) {
      if (!name.startsWith(`${kind}_`) || !name.endsWith('.json')) continue;
      const text = await fs.promises.readFile(path.join(this.dir, name), 'utf8');
      try {
        out.push(JSON.parse(text) as T);
      } catch (e) {
        throw new StandaloneError(`Corrupt recovery record ${path.join(this.dir, name)}: ${(e as Error).message}; remove it to start without it`);
      }
    }
    return out;
  }

  async close(): Promise<void> {}

  private file(kind: RecordKind, id: string): string {
    // Ids come from peers: never let one name a path outside the directory.
    if (!SAFE_ID.test(id)) throw new StandaloneError(`Refusing to persist ${kind} with unsafe id '${id}'`);
    return path.join(this.dir, `${kind}_${id}.json`);
  }
}
