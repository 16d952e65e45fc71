import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RpcServer } from '../rpc/rpc-server.js';
import { serveAppPackageChunk } from './app-package-server.js';
import { fetchAppPackage } from './fetch-app-package.js';
import { packApplication, type PackedApplication } from './pack-application.js';
import { removeTempDirs, tempDir, writeTree } from './packaging.test-helper.js';

const SECRET = 'package secret';

describe('fetchAppPackage over the driver RPC', function () {
  this.timeout(60_000);
  let server: RpcServer;
  let pkg: PackedApplication;
  let requests = 0;

  before(async () => {
    const app = tempDir('fetch-app');
    writeTree(app, { 'package.json': '{}', 'app.js': 'main', 'lib/m.js': 'm' });
    pkg = await packApplication({ appRoot: app, entry: 'app.js', cacheDir: tempDir('fetch-cache') });
    server = await RpcServer.listen({
      secret: SECRET,
      log: () => undefined,
      onConnection: (conn) =>
        conn.onMessage((msg, reply) => {
          requests++;
          return serveAppPackageChunk(async () => pkg, 'fetch-demo', msg.payload, reply);
        }),
    });
  });
  after(async () => {
    await server.close();
    removeTempDirs();
  });

  const driverUrl = () => `kindling://127.0.0.1:${server.port}`;

  it('downloads the archive in chunks, verifies it and unpacks it once per host', async () => {
    const packageDir = tempDir('fetch-packages');
    requests = 0;
    const root = await fetchAppPackage({ driverUrl: driverUrl(), hash: pkg.hash, secret: SECRET, packageDir, chunkBytes: 256 * 1024 });
    expect(requests).to.equal(Math.ceil(pkg.sizeBytes / (256 * 1024)));
    expect(fs.readFileSync(path.join(root, 'lib/m.js'), 'utf8')).to.equal('m');
    expect(fs.readdirSync(packageDir)).to.deep.equal([pkg.hash], 'the download is removed');
    requests = 0;
    expect(await fetchAppPackage({ driverUrl: driverUrl(), hash: pkg.hash, secret: SECRET, packageDir })).to.equal(root);
    expect(requests).to.equal(0, 'an unpacked package is not fetched again');
  });

  it('is refused without the secret', async () => {
    const packageDir = tempDir('fetch-nosecret');
    let error: Error | undefined;
    await fetchAppPackage({ driverUrl: driverUrl(), hash: pkg.hash, secret: 'wrong', packageDir }).catch((e: Error) => (error = e));
    expect(error?.name).to.equal('AuthenticationError');
    await fetchAppPackage({ driverUrl: driverUrl(), hash: pkg.hash, packageDir }).catch((e: Error) => (error = e));
    expect(error?.message).to.match(/auth/i);
    expect(fs.readdirSync(packageDir)).to.deep.equal([]);
  });

  it('names the package the driver serves when asked for another', async () => {
    const other = 'ab'.repeat(32);
    let error: Error | undefined;
    await fetchAppPackage({ driverUrl: driverUrl(), hash: other, secret: SECRET, packageDir: tempDir('fetch-other') }).catch((e: Error) => (error = e));
    expect(error?.message).to.contain(`This driver serves application package ${pkg.hash}, not '${other}'`);
  });
});
