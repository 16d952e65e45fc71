import { expect } from 'chai';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildLaunchCommand, childConf, formatCommand, LIFELINE_ENV, submitEnvironment, TSX_PRELOAD_URL } from './launch-command.js';
import { resolveSubmitArguments, type SubmitOptions } from './submit-arguments.js';
import { useTempDir } from './deploy.test-helper.js';

describe('deploy/buildLaunchCommand', () => {
  const tmp = useTempDir();
  let app: string;
  before(() => {
    app = tmp.write('wc.ts');
  });
  const resolve = (options: SubmitOptions = {}, appArgs: string[] = []) =>
    resolveSubmitArguments('wc.ts', appArgs, options, { cwd: tmp.dir, env: {}, warn: () => undefined });

  it('runs the app under node with the tsx preload, passing its arguments untouched', () => {
    const cmd = buildLaunchCommand(resolve({}, ['in.txt', '--out', "it's here"]), {}, '/usr/bin/node');
    expect(cmd.command).to.equal('/usr/bin/node');
    expect(cmd.args).to.deep.equal(['--import', TSX_PRELOAD_URL, app, 'in.txt', '--out', "it's here"]);
    expect(fs.existsSync(fileURLToPath(TSX_PRELOAD_URL))).to.equal(true);
    expect(formatCommand(cmd)).to.equal(`/usr/bin/node --import ${TSX_PRELOAD_URL} ${app} in.txt --out 'it'\\''s here'`);
  });

  it('sizes the driver heap with --driver-memory in client mode', () => {
    expect(buildLaunchCommand(resolve({ driverMemory: '2g' }), {}).args.slice(0, 1)).to.deep.equal(['--max-old-space-size=2048']);
    expect(buildLaunchCommand(resolve({ driverMemory: '700' }), {}).args[0]).to.equal('--max-old-space-size=700');
  });

  it('extends the environment with the name, the conf as JSON and the lifeline fd', () => {
    const args = resolve({ conf: ['kindling.x=1'] });
    const cmd = buildLaunchCommand(args, { PATH: '/bin', KINDLING_CONF: '{"kindling.old":"1"}' });
    expect(cmd.env).to.deep.equal({
      PATH: '/bin',
      KINDLING_APP_NAME: 'wc',
      KINDLING_CONF: JSON.stringify({ 'kindling.app.name': 'wc', 'kindling.app.root': tmp.dir, 'kindling.x': '1' }),
      [LIFELINE_ENV]: '3',
    });
  });

  it('sets KINDLING_MASTER only when a master was chosen, so the app can fall back', () => {
    expect(submitEnvironment(resolve({ master: 'local[2]' }))).to.have.property('KINDLING_MASTER', 'local[2]');
    expect(childConf(resolve({ master: 'local[2]' }))).to.have.property('kindling.master', 'local[2]');
    expect(buildLaunchCommand(resolve(), { KINDLING_MASTER: '' }).env).not.to.have.property('KINDLING_MASTER');
    expect(childConf(resolve())).not.to.have.property('kindling.master');
  });

  it('moves the secret out of KINDLING_CONF into KINDLING_AUTH_SECRET, never onto the command line', () => {
    const args = resolve({ conf: ['kindling.authenticate=true', 'kindling.authenticate.secret=hunter2'] });
    const cmd = buildLaunchCommand(args, { PATH: '/bin' });
    expect(cmd.env['KINDLING_AUTH_SECRET']).to.equal('hunter2');
    expect(cmd.env['KINDLING_CONF']).not.to.include('hunter2');
    expect(JSON.parse(cmd.env['KINDLING_CONF']!)).to.include({ 'kindling.authenticate': 'true' });
    expect(cmd.args.join(' ')).not.to.include('hunter2');
  });
});
