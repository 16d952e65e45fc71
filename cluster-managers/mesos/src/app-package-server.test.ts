import * as fs from 'node:fs';
import http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { KindlingConf, type AppPackage } from '@kindling/core/cluster-manager';
import { AppPackageServer } from './app-package-server.js';

function get(url: string, method = 'GET'): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(parts) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('App package HTTP server (what the Mesos fetcher downloads)', () => {
  let dir: string;
  let pkg: AppPackage;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-pkg-server-'));
    const archivePath = path.join(dir, 'abc.tgz');
    fs.writeFileSync(archivePath, Buffer.from('not really gzip, but bytes'));
    pkg = { hash: 'ab'.repeat(32), sizeBytes: fs.statSync(archivePath).size, archivePath, entry: 'main.js' };
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('without authentication: serves the archive at /app/<hash>.tgz on loopback, 404 for anything else', async () => {
    const server = new AppPackageServer(async () => pkg, new KindlingConf({}));
    try {
      const uri = await server.uri();
      expect(uri).to.match(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/app/${pkg.hash}\\.tgz$`));
      const ok = await get(uri);
      expect(ok.status).to.equal(200);
      expect(ok.body.toString()).to.equal('not really gzip, but bytes');
      expect((await get(uri, 'HEAD')).status).to.equal(200);
      expect((await get(uri, 'POST')).status).to.equal(404);
      expect((await get(uri.replace('.tgz', '.tgz/../../etc/passwd'))).status).to.equal(404);
    } finally {
      await server.stop();
    }
  });

  it('with kindling.authenticate=true: the path holds a 64-hex per-app token; without it, 404', async () => {
    const server = new AppPackageServer(async () => pkg, new KindlingConf({ 'kindling.authenticate': 'true' }));
    const other = new AppPackageServer(async () => pkg, new KindlingConf({ 'kindling.authenticate': 'true' }));
    try {
      const uri = await server.uri();
      const m = new RegExp(`/app/([0-9a-f]{64})/${pkg.hash}\\.tgz$`).exec(uri);
      expect(m, uri).to.not.equal(null);
      expect((await get(uri)).status).to.equal(200);
      const port = new URL(uri).port;
      expect((await get(`http://127.0.0.1:${port}/app/${pkg.hash}.tgz`)).status).to.equal(404);
      const otherUri = await other.uri();
      expect(new URL(otherUri).pathname).to.not.equal(new URL(uri).pathname); // a fresh token per application
    } finally {
      await server.stop();
      await other.stop();
    }
  });
});
