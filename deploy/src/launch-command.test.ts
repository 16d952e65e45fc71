import { expect } from 'chai';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildLaunchCommand, formatCommand, submitEnvironment, TSX_PRELOAD_URL } from './launch-command.js';
import type { SubmitArguments } from './submit-arguments.js';

const base: SubmitArguments = {
  name: 'wc',
  conf: { 'kindling.app.root': '/apps', 'kindling.x': '1' },
  appPath: '/apps/wc.ts',
  appArgs: ['in.txt', '--out', 'it\'s here'],
  verbose: false,
};

describe('deploy/buildLaunchCommand', () => {
  it('runs the app under node with the tsx preload, passing its arguments untouched', () => {
    const cmd = buildLaunchCommand(base, {}, '/usr/bin/node');
    expect(cmd.command).to.equal('/usr/bin/node');
    expect(cmd.args).to.deep.equal(['--import', TSX_PRELOAD_URL, '/apps/wc.ts', 'in.txt', '--out', "it's here"]);
    expect(fs.existsSync(fileURLToPath(TSX_PRELOAD_URL))).to.equal(true);
    expect(formatCommand(cmd)).to.equal(`/usr/bin/node --import ${TSX_PRELOAD_URL} /apps/wc.ts in.txt --out 'it'\\''s here'`);
  });

  it('extends the environment with the app name and the conf as JSON', () => {
    const cmd = buildLaunchCommand(base, { PATH: '/bin', KINDLING_CONF: '{"kindling.old":"1"}' });
    expect(cmd.env).to.deep.equal({
      PATH: '/bin',
      KINDLING_APP_NAME: 'wc',
      KINDLING_CONF: JSON.stringify(base.conf),
    });
    expect(JSON.parse(cmd.env['KINDLING_CONF']!)).to.deep.equal(base.conf);
  });

  it('sets KINDLING_MASTER only when a master was resolved, so the app can fall back', () => {
    expect(submitEnvironment({ ...base, master: 'local[2]' })).to.have.property('KINDLING_MASTER', 'local[2]');
    expect(buildLaunchCommand(base, { KINDLING_MASTER: '' }).env).not.to.have.property('KINDLING_MASTER');
  });
});
