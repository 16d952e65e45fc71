import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, KindlingConf, KindlingContext } from '@kindling/core';
import { authenticationSecret, secureByDefault } from '@kindling/core/internal/cluster/app-secret';
import { executorProcesses, executorSecret } from '../helpers/executor-processes.js';
import { connectAsExecutor, settle } from './fake-executor.test-helper.js';

function withEnv<T>(value: string | undefined, body: () => T): T {
  const saved = process.env['KINDLING_AUTH_SECRET'];
  const restore = () => {
    if (saved === undefined) delete process.env['KINDLING_AUTH_SECRET'];
    else process.env['KINDLING_AUTH_SECRET'] = saved;
  };
  if (value === undefined) delete process.env['KINDLING_AUTH_SECRET'];
  else process.env['KINDLING_AUTH_SECRET'] = value;
  let result: T;
  try {
    result = body();
  } catch (e) {
    restore();
    throw e;
  }
  if (result instanceof Promise) return result.finally(restore) as T;
  restore();
  return result;
}

describe('where the authentication secret comes from', function () {
  this.timeout(90_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-secret-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const secretFile = (content: string, mode = 0o600): string => {
    const file = path.join(dir, `secret-${Math.random().toString(36).slice(2)}`);
    fs.writeFileSync(file, content, { mode });
    fs.chmodSync(file, mode);
    return file;
  };

  it('a driver with nothing configured generates a distinct 256-bit secret per application', () => {
    withEnv(undefined, () => {
      const a = new KindlingConf();
      const b = new KindlingConf();
      expect(secureByDefault(a)).to.equal('generated');
      expect(secureByDefault(b)).to.equal('generated');
      const sa = authenticationSecret(a)!;
      expect(Buffer.from(sa, 'base64url')).to.have.length(32);
      expect(sa).to.not.equal(authenticationSecret(b));
      expect(authenticationSecret(a)).to.equal(sa, 'stable for the application');
      expect(a.toRecord()).to.deep.equal({ 'kindling.authenticate': 'true' }, 'the secret is never in the conf');
    });
  });

  it('kindling.authenticate=false stays off; a configured secret is used as is', () => {
    withEnv(undefined, () => {
      const off = new KindlingConf({ 'kindling.authenticate': 'false' });
      expect(secureByDefault(off)).to.equal('off');
      expect(authenticationSecret(off)).to.equal(undefined);
      const on = new KindlingConf({ 'kindling.authenticate': 'true', 'kindling.authenticate.secret': 'from-conf' });
      expect(secureByDefault(on)).to.equal('configured');
      expect(authenticationSecret(on)).to.equal('from-conf');
    });
  });

  it('KINDLING_AUTH_SECRET wins over the file and the conf; the file (trailing newline dropped) over the conf', () => {
    const file = secretFile('from-file\n');
    const conf = new KindlingConf({
      'kindling.authenticate': 'true',
      'kindling.authenticate.secret.file': file,
      'kindling.authenticate.secret': 'from-conf',
    });
    expect(withEnv('from-env', () => authenticationSecret(conf))).to.equal('from-env');
    expect(withEnv(undefined, () => authenticationSecret(conf))).to.equal('from-file');
  });

  it('a missing, empty or world-readable secret file: errors name the key and the fix; a warning for loose modes', async () => {
    await withEnv(undefined, async () => {
      const missing = new KindlingConf({ 'kindling.authenticate': 'true', 'kindling.authenticate.secret.file': path.join(dir, 'nope') });
      expect(() => authenticationSecret(missing)).to.throw(ConfigError, /^kindling\.authenticate\.secret\.file: cannot read '.*nope': ENOENT; create the file/);
      const empty = new KindlingConf({ 'kindling.authenticate': 'true', 'kindling.authenticate.secret.file': secretFile('') });
      expect(() => authenticationSecret(empty)).to.throw(ConfigError, /is empty; write the shared secret into it/);
      const none = new KindlingConf({ 'kindling.authenticate': 'true' });
      expect(() => authenticationSecret(none)).to.throw(ConfigError, /no secret is set; put it in the environment \(KINDLING_AUTH_SECRET\)/);
      const warnings: string[] = [];
      const onWarning = (w: Error) => warnings.push(w.message);
      process.on('warning', onWarning);
      try {
        const loose = secretFile('s', 0o644);
        authenticationSecret(new KindlingConf({ 'kindling.authenticate': 'true', 'kindling.authenticate.secret.file': loose }));
        await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
      } finally {
        process.off('warning', onWarning);
      }
      expect(warnings.join('\n')).to.match(/can be read by other users; restrict it with chmod 600/);
    });
  });

  for (const source of ['file', 'env'] as const) {
    it(`local-cluster runs with the secret from the ${source === 'file' ? 'file' : 'environment'}, and refuses peers without it`, async () => {
      const secret = `cluster-secret-from-${source}`;
      const conf: Record<string, string> = { 'kindling.authenticate': 'true' };
      if (source === 'file') conf['kindling.authenticate.secret.file'] = secretFile(`${secret}\n`);
      const saved = process.env['KINDLING_AUTH_SECRET'];
      if (source === 'env') process.env['KINDLING_AUTH_SECRET'] = secret;
      let kc: KindlingContext | undefined;
      try {
        kc = await KindlingContext.create({ master: 'local-cluster[1,1,256]', conf });
        expect(await kc.parallelize([1, 2, 3], 2).map((x) => x + 1).collect()).to.deep.equal([2, 3, 4]);
        const exec = executorProcesses()[0]!;
        expect(executorSecret(exec.pid)).to.equal(secret, 'executors get it in their environment');
        expect(exec.args.join(' ')).to.not.contain(secret);
        expect((await settle(connectAsExecutor(exec.driverUrl, 'other'))).ok).to.equal(false);
        const ok = await connectAsExecutor(exec.driverUrl, secret);
        const config = await ok.ask('retrieveAppConfig', { executorId: 'probe' });
        ok.close();
        expect(JSON.stringify(config.payload)).to.not.contain(secret);
      } finally {
        await kc?.stop();
        if (saved === undefined) delete process.env['KINDLING_AUTH_SECRET'];
        else process.env['KINDLING_AUTH_SECRET'] = saved;
      }
    });
  }
});
