/** Spark's precedence end to end: code > flags > --conf > properties file, through a real driver. */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TESTDATA, cleanEnv, runSubmit } from './helpers/submit.js';

describe('kindling-submit precedence (end to end)', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-precedence-'));
    fs.writeFileSync(path.join(dir, 'kindling-defaults.conf'), 'kindling.y file\nkindling.executor.memory 3g\nkindling.x file\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('values set in code beat flags, flags beat --conf, --conf beats kindling-defaults.conf', async () => {
    const run = await runSubmit(
      ['--master', 'local[2]', '--name', 'from-flag', '--conf', 'kindling.x=conf', '--conf', 'kindling.executor.memory=2g',
        '--executor-memory', '1g', path.join(TESTDATA, 'code-conf-app.ts')],
      { env: { ...cleanEnv(), KINDLING_CONF_DIR: dir } },
    );
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout.split('\n')).to.include.members(['master=local[1]', 'name=from-code', 'x=code', 'y=file', 'executor.memory=1g']);
  });
});
