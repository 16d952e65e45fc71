/**
 * The secret never reaches a command line that `ps` shows: kindling-submit moves it from its
 * configuration into the driver's KINDLING_AUTH_SECRET, and authentication still works end to end.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TESTDATA, cleanEnv, runSubmit } from './helpers/submit.js';

describe('kindling-submit and the authentication secret', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-secret-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a secret from the properties file reaches the driver in its environment only, and -v redacts it', async function () {
    if (process.platform !== 'linux') this.skip(); // the fixture reads /proc/self/cmdline
    const secret = 'p4ss-' + Math.random().toString(36).slice(2);
    const conf = path.join(dir, 'kindling-defaults.conf');
    fs.writeFileSync(conf, `kindling.authenticate true\nkindling.authenticate.secret ${secret}\n`, { mode: 0o600 });
    const env: NodeJS.ProcessEnv = { ...cleanEnv(), KINDLING_CONF_DIR: dir };
    delete env['KINDLING_AUTH_SECRET'];
    const run = await runSubmit(['-v', '--master', 'local-cluster[2,1,256]', path.join(TESTDATA, 'secret-app.ts')], { env });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout.split('\n')).to.include.members([
      `env-secret=${secret}`,
      'conf-json-has-secret=false',
      'cmdline-has-secret=false',
      'sum=10',
    ]);
    expect(run.stderr).to.include(`kindling.authenticate.secret=*********(redacted)`);
    expect(run.stderr).to.include(`(properties file ${conf})`);
    expect(run.stderr).not.to.include(secret);
  });
});
