import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KindlingConf } from '../conf/kindling-conf.js';
import { ConfigError } from '../errors.js';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { executorCommand, executorEntryPoint, executorEnvFromConf, executorNodeFromConf, relocateNodeOptions } from './executor-command.js';

const base = { driverUrl: 'kindling://127.0.0.1:7077', executorId: '3', hostname: 'h1', cores: 2, appId: 'app-1', workDir: '/w' };

describe('executorCommand', () => {
  it("runs the installed kindling-executor bin with `node` from PATH unless told which Node", () => {
    const cmd = executorCommand({ ...base, memoryMiB: 512, secret: 's3cret' });
    expect(cmd.command).to.equal('node');
    expect(cmd.args[1]).to.equal(executorEntryPoint());
    expect(fs.existsSync(executorEntryPoint()), 'the bin shim exists').to.equal(true);
    expect(cmd.args).to.deep.equal([
      '--max-old-space-size=512', executorEntryPoint(), '--driver-url', base.driverUrl, '--executor-id', '3', '--hostname', 'h1',
      '--cores', '2', '--app-id', 'app-1', '--work-dir', '/w',
    ]);
    expect(cmd.env).to.deep.equal({ KINDLING_AUTH_SECRET: 's3cret' });
    expect(cmd.args.join(' ')).to.not.contain('s3cret');
    expect(executorCommand({ ...base, node: '/opt/node22/bin/node' }).command).to.equal('/opt/node22/bin/node');
  });

  it('passes the app source: fetch from the driver, or run the Kindling inside an unpacked package', () => {
    const fetch = executorCommand({ ...base, appSource: { kind: 'driver', hash: 'ab'.repeat(32), packageDir: '/var/kindling/packages' } });
    expect(fetch.args.slice(-4)).to.deep.equal(['--app-hash', 'ab'.repeat(32), '--package-dir', '/var/kindling/packages']);
    expect(fetch.args[0]).to.equal(executorEntryPoint());
    const unpacked = executorCommand({ ...base, appSource: { kind: 'unpacked', appRoot: 'app' } });
    expect(unpacked.args[0]).to.equal(path.join('app', 'node_modules', '@kindling', 'core', 'bin', 'kindling-executor.js'));
    expect(unpacked.args.slice(-2)).to.deep.equal(['--app-root', 'app']);
  });

  it("takes the driver's loader flags from the package when their files are not on this host", () => {
    const here = fileURLToPath(import.meta.url);
    const elsewhere = '/home/alice/app/node_modules/@kindling/deploy/dist/tsx-preload.js';
    const options = ['--import', pathToFileURL(elsewhere).href, '--import', pathToFileURL(here).href, `--require=${elsewhere}`,
      '--import', '/opt/driver-only/preload.mjs', '--import', 'tsx', '--enable-source-maps'];
    expect(relocateNodeOptions(options, '/srv/work/pkg/app')).to.deep.equal([
      '--import', pathToFileURL('/srv/work/pkg/app/node_modules/@kindling/deploy/dist/tsx-preload.js').href,
      '--import', pathToFileURL(here).href, // present on this host: kept as is
      '--require', '/srv/work/pkg/app/node_modules/@kindling/deploy/dist/tsx-preload.js',
      // '/opt/driver-only/preload.mjs' has no node_modules counterpart: dropped rather than crash the executor
      '--import', 'tsx',
      '--enable-source-maps',
    ]);
    const cmd = executorCommand({ ...base, nodeOptions: ['--import', pathToFileURL(elsewhere).href], appSource: { kind: 'unpacked', appRoot: '/srv/a' } });
    expect(cmd.args.slice(0, 2)).to.deep.equal(['--import', pathToFileURL('/srv/a/node_modules/@kindling/deploy/dist/tsx-preload.js').href]);
    // Fetching from the driver means the driver's own machine (local-cluster): flags pass unchanged.
    const local = executorCommand({ ...base, nodeOptions: ['--import', pathToFileURL(elsewhere).href], appSource: { kind: 'driver', hash: 'h', packageDir: '/p' } });
    expect(local.args.slice(0, 2)).to.deep.equal(['--import', pathToFileURL(elsewhere).href]);
  });

  it('adds kindling.executorEnv.* to the environment and rejects names that are not variable names', () => {
    const conf = new KindlingConf({ 'kindling.executorEnv.TZ': 'UTC', 'kindling.executorEnv.MY_VAR': 'a=b', 'kindling.executor.memory': '1g' });
    expect(executorEnvFromConf(conf)).to.deep.equal({ TZ: 'UTC', MY_VAR: 'a=b' });
    expect(executorCommand({ ...base, env: executorEnvFromConf(conf), secret: 'x' }).env).to.deep.equal({ TZ: 'UTC', MY_VAR: 'a=b', KINDLING_AUTH_SECRET: 'x' });
    expect(() => executorEnvFromConf(new KindlingConf({ 'kindling.executorEnv.1BAD': 'x' }))).to.throw(ConfigError, "'1BAD' is not a valid environment variable name");
  });

  it('reads kindling.executor.node, falling back to what the launcher gives', () => {
    expect(executorNodeFromConf(new KindlingConf({}))).to.equal('node');
    expect(executorNodeFromConf(new KindlingConf({}), process.execPath)).to.equal(process.execPath);
    expect(executorNodeFromConf(new KindlingConf({ 'kindling.executor.node': '/usr/bin/node22' }), process.execPath)).to.equal('/usr/bin/node22');
    expect(() => executorNodeFromConf(new KindlingConf({ 'kindling.executor.node': ' ' }))).to.throw(ConfigError, 'kindling.executor.node is empty');
  });
});
