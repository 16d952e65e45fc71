import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import nock from 'nock';
import { HadoopConf } from '../config/hadoop-conf.js';
import { appStaging } from './app-staging.js';

const APP = 'application_1_0007';

describe('yarn/staging the app package (file:// and WebHDFS)', () => {
  let tmp: string;
  let archive: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-yarn-staging-'));
    archive = path.join(tmp, 'app.tgz');
    fs.writeFileSync(archive, Buffer.alloc(3000, 7));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('copies into <stagingDir>/<appId> on a file:// default FS with the exact size and mtime, and removes it', async () => {
    const staging = appStaging(HadoopConf.of({ 'fs.defaultFS': 'file:///' }), { applicationId: APP, user: 'u', stagingDir: path.join(tmp, 'stage') });
    const staged = await staging.stage(archive, 'app.tgz');
    const dest = path.join(tmp, 'stage', APP, 'app.tgz');
    expect(staged).to.deep.equal({ url: `file://${dest}`, size: 3000, timestamp: Math.floor(fs.statSync(dest).mtimeMs) });
    expect(fileURLToPath(staging.location)).to.equal(path.join(tmp, 'stage', APP));
    await staging.remove();
    expect(fs.existsSync(path.join(tmp, 'stage', APP))).to.equal(false);
  });

  it('uploads through WebHDFS (MKDIRS, two-step CREATE, GETFILESTATUS) when fs.defaultFS is HDFS, and DELETEs at the end', async () => {
    if (!nock.isActive()) nock.activate(); // another suite may have restored node:http
    nock.disableNetConnect();
    const dir = `/user/bob/.kindlingStaging/${APP}`;
    const nn = nock('http://nn.test:9870')
      .put(`/webhdfs/v1${dir}`)
      .query({ op: 'MKDIRS', 'user.name': 'bob', permission: '700' })
      .reply(200, { boolean: true })
      .put(`/webhdfs/v1${dir}/app.tgz`)
      .query({ op: 'CREATE', 'user.name': 'bob', overwrite: 'true', permission: '600' })
      .reply(307, '', { Location: `http://dn.test:9864/webhdfs/v1${dir}/app.tgz?op=CREATE&namenoderpcaddress=nn.test:8020&overwrite=true` })
      .get(`/webhdfs/v1${dir}/app.tgz`)
      .query({ op: 'GETFILESTATUS', 'user.name': 'bob' })
      .reply(200, { FileStatus: { length: 3000, modificationTime: 1733300000123, type: 'FILE' } })
      .delete(`/webhdfs/v1${dir}`)
      .query({ op: 'DELETE', 'user.name': 'bob', recursive: 'true' })
      .reply(200, { boolean: true });
    const dn = nock('http://dn.test:9864')
      .put(`/webhdfs/v1${dir}/app.tgz`, (body) => Buffer.from(body, 'hex').length === 3000 || String(body).length >= 3000)
      .query({ op: 'CREATE', namenoderpcaddress: 'nn.test:8020', overwrite: 'true' })
      .reply(201);
    try {
      const conf = HadoopConf.of({ 'fs.defaultFS': 'hdfs://nn.test:8020', 'dfs.namenode.http-address': 'nn.test:9870' });
      const staging = appStaging(conf, { applicationId: APP, user: 'bob' });
      expect(staging.location).to.equal(`hdfs://nn.test:8020${dir}`);
      expect(await staging.stage(archive, 'app.tgz')).to.deep.equal({ url: `hdfs://nn.test:8020${dir}/app.tgz`, size: 3000, timestamp: 1733300000123 });
      await staging.remove();
      expect(nn.isDone() && dn.isDone()).to.equal(true);
    } finally {
      nock.cleanAll();
      nock.enableNetConnect();
      nock.restore();
    }
  });

  it('names fs.defaultFS when it is neither file:// nor hdfs://', () => {
    expect(() => appStaging(HadoopConf.of({ 'fs.defaultFS': 's3a://bucket' }), { applicationId: APP, user: 'u' })).to.throw(/fs\.defaultFS 's3a:\/\/bucket'.*file:\/\/ and hdfs:\/\/ only/);
  });
});
