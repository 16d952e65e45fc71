import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HadoopConf } from '../config/hadoop-conf.js';
import { YarnError } from '../yarn-errors.js';
import { WebHdfsClient } from './webhdfs-client.js';

/** A staged file as a YARN local resource needs it: URL, exact size and mtime. */
export interface StagedFile {
  url: string;
  size: number;
  timestamp: number;
}

/** The per-app staging directory on a filesystem every NodeManager can read. Removed when the app ends. */
export interface AppStaging {
  /** e.g. file:///home/u/.kindlingStaging/application_1_0001 or hdfs://nn:8020/user/u/.kindlingStaging/... */
  readonly location: string;
  stage(localFile: string, name: string): Promise<StagedFile>;
  remove(): Promise<void>;
}

export interface StagingOptions {
  applicationId: string;
  user: string;
  /** kindling.yarn.stagingDir: a path on fs.defaultFS (default: the user's home there). */
  stagingDir?: string;
}

/** file:// when fs.defaultFS is the local filesystem (single host or a shared mount), hdfs:// over WebHDFS otherwise. */
export function appStaging(conf: HadoopConf, o: StagingOptions): AppStaging {
  const defaultFs = conf.get('fs.defaultFS', 'file:///')!;
  let u: URL;
  try {
    u = new URL(defaultFs);
  } catch {
    throw new YarnError(`fs.defaultFS in ${conf.source('fs.defaultFS')} is '${defaultFs}', not a URI (e.g. hdfs://namenode:8020 or file:///)`);
  }
  if (u.protocol === 'file:') {
    const base = o.stagingDir ?? path.join(os.homedir(), '.kindlingStaging');
    return new LocalStaging(path.join(base, o.applicationId));
  }
  if (u.protocol === 'hdfs:') {
    const base = o.stagingDir ?? `/user/${o.user}/.kindlingStaging`;
    return new WebHdfsStaging(WebHdfsClient.fromConf(conf, u, o.user), `hdfs://${u.host}`, path.posix.join(base, o.applicationId));
  }
  throw new YarnError(`fs.defaultFS '${defaultFs}' (${conf.source('fs.defaultFS')}): staging supports file:// and hdfs:// only; set kindling.yarn.stagingDir on a shared file:// path or use HDFS`);
}

class LocalStaging implements AppStaging {
  readonly location: string;
  constructor(private readonly dir: string) {
    this.location = pathToFileURL(dir).href;
  }

  async stage(localFile: string, name: string): Promise<StagedFile> {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const dest = path.join(this.dir, path.basename(name));
    const tmp = `${dest}.tmp-${process.pid}`;
    fs.copyFileSync(localFile, tmp);
    fs.renameSync(tmp, dest); // atomic: the NM never sees half a file
    const st = fs.statSync(dest);
    return { url: pathToFileURL(dest).href, size: st.size, timestamp: Math.floor(st.mtimeMs) };
  }

  async remove(): Promise<void> {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

class WebHdfsStaging implements AppStaging {
  readonly location: string;
  constructor(
    private readonly hdfs: WebHdfsClient,
    private readonly authority: string,
    private readonly dir: string,
  ) {
    this.location = authority + dir;
  }

  async stage(localFile: string, name: string): Promise<StagedFile> {
    await this.hdfs.mkdirs(this.dir);
    const dest = path.posix.join(this.dir, path.basename(name));
    await this.hdfs.create(dest, fs.readFileSync(localFile));
    const st = await this.hdfs.status(dest);
    return { url: this.authority + dest, size: st.length, timestamp: st.modificationTime };
  }

  async remove(): Promise<void> {
    await this.hdfs.delete(this.dir);
  }
}
