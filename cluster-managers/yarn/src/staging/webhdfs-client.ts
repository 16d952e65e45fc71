import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { HadoopConf } from '../config/hadoop-conf.js';
import { parseHostPort } from '../config/rm-endpoints.js';
import { asNumber, remoteException, unwrap } from '../rest/lenient-json.js';
import { YarnError } from '../yarn-errors.js';

/** The few WebHDFS calls staging needs (Hadoop's WebHDFS REST API), with ?user.name= (SIMPLE auth). */
export class WebHdfsClient {
  private readonly http: AxiosInstance;

  constructor(
    private readonly baseUrl: string,
    private readonly user: string,
  ) {
    this.http = axios.create({ timeout: 60_000, maxRedirects: 0, validateStatus: () => true, proxy: false, maxBodyLength: Infinity });
  }

  /** The NameNode's HTTP address: dfs.namenode.http-address, else fs.defaultFS's host on port 9870. */
  static fromConf(conf: HadoopConf, defaultFs: URL, user: string): WebHdfsClient {
    const key = 'dfs.namenode.http-address';
    const hp = conf.has(key) ? parseHostPort(conf.get(key)!, key, conf, 9870) : { host: defaultFs.hostname, port: 9870 };
    const host = hp.host === '0.0.0.0' ? defaultFs.hostname : hp.host;
    return new WebHdfsClient(`http://${host}:${hp.port}`, user);
  }

  async mkdirs(p: string): Promise<void> {
    this.check(await this.http.put(this.url(p, 'MKDIRS', { permission: '700' })), [200], `MKDIRS ${p}`);
  }

  /** CREATE is two steps: the NameNode answers 307 with the DataNode to send the bytes to. */
  async create(p: string, data: Buffer): Promise<void> {
    const r = await this.http.put(this.url(p, 'CREATE', { overwrite: 'true', permission: '600' }));
    this.check(r, [307], `CREATE ${p}`);
    const location = r.headers['location'];
    if (typeof location !== 'string') throw new YarnError(`WebHDFS CREATE ${p}: the NameNode's 307 has no Location header`);
    const put = await this.http.put(location, data, { headers: { 'Content-Type': 'application/octet-stream' } });
    this.check(put, [201], `CREATE ${p} (DataNode)`);
  }

  async status(p: string): Promise<{ length: number; modificationTime: number }> {
    const r = await this.http.get(this.url(p, 'GETFILESTATUS'));
    this.check(r, [200], `GETFILESTATUS ${p}`);
    const s = unwrap(r.data, 'FileStatus');
    const length = asNumber(s['length']);
    const modificationTime = asNumber(s['modificationTime']);
    if (length === undefined || modificationTime === undefined) throw new YarnError(`WebHDFS GETFILESTATUS ${p} answered without length/modificationTime: ${JSON.stringify(r.data)}`);
    return { length, modificationTime };
  }

  async delete(p: string): Promise<void> {
    this.check(await this.http.delete(this.url(p, 'DELETE', { recursive: 'true' })), [200], `DELETE ${p}`);
  }

  private url(p: string, op: string, extra: Record<string, string> = {}): string {
    const q = new URLSearchParams({ op, 'user.name': this.user, ...extra });
    return `${this.baseUrl}/webhdfs/v1${p.split('/').map(encodeURIComponent).join('/')}?${q}`;
  }

  private check(r: AxiosResponse, ok: number[], what: string): void {
    if (ok.includes(r.status)) return;
    const re = remoteException(r.data);
    throw new YarnError(`WebHDFS ${what} failed with HTTP ${r.status}${re ? `: ${re.exception ?? ''} ${re.message ?? ''}`.trimEnd() : ''} (NameNode ${this.baseUrl}; set kindling.yarn.stagingDir to a writable directory)`);
  }
}
