import { expect } from 'chai';
import * as path from 'node:path';
import { ConfigError, IllegalArgumentError, MasterUrlError } from '@kindling/core';
import { MissingAppError, parseConfPair, resolveSubmitArguments, type SubmitOptions } from './submit-arguments.js';
import { useTempDir } from './deploy.test-helper.js';

describe('deploy/resolveSubmitArguments', () => {
  const tmp = useTempDir();
  let warnings: string[];
  beforeEach(() => {
    warnings = [];
  });

  const resolve = (app: string | undefined, options: SubmitOptions = {}, appArgs: string[] = [], env: NodeJS.ProcessEnv = {}) =>
    resolveSubmitArguments(app, appArgs, options, { cwd: tmp.dir, env, warn: (m) => warnings.push(m) });

  it('resolves a bare app: absolute path, name from the file, app root, no master', () => {
    const app = tmp.write('jobs/word-count.ts');
    const args = resolve('jobs/word-count.ts', {}, ['in.txt', '--flag']);
    expect(args).to.deep.equal({
      name: 'word-count',
      conf: { 'kindling.app.root': path.dirname(app) },
      appPath: app,
      appArgs: ['in.txt', '--flag'],
      verbose: false,
    });
    expect(warnings).to.deep.equal([]);
  });

  it('accepts .js, .mjs, .ts and .mts apps', () => {
    for (const f of ['a.js', 'b.mjs', 'c.ts', 'd.mts']) {
      tmp.write(f);
      expect(resolve(f).name).to.equal(f.slice(0, 1));
    }
  });

  it('gives flags precedence over --conf, and --conf over the properties file', () => {
    tmp.write('app.ts');
    tmp.write('app.conf', 'kindling.master local[1]\nkindling.app.name fromFile\nkindling.a=file\nkindling.b file\n');
    const fromFile = resolve('app.ts', { propertiesFile: 'app.conf' });
    expect(fromFile.master).to.equal('local[1]');
    expect(fromFile.name).to.equal('fromFile');
    expect(fromFile.propertiesFile).to.equal(path.join(tmp.dir, 'app.conf'));

    const withConf = resolve('app.ts', { propertiesFile: 'app.conf', conf: ['kindling.a=conf', 'kindling.master=local[3]'] });
    expect(withConf.conf).to.include({ 'kindling.a': 'conf', 'kindling.b': 'file' });
    expect(withConf.master).to.equal('local[3]');

    const withFlags = resolve('app.ts', { propertiesFile: 'app.conf', conf: ['kindling.master=local[3]'], master: 'local[4]', name: 'flag' });
    expect(withFlags.master).to.equal('local[4]');
    expect(withFlags.name).to.equal('flag');
  });

  it('lets the last of repeated --conf win and keeps "=" inside values', () => {
    tmp.write('app.ts');
    const args = resolve('app.ts', { conf: ['kindling.x=1', 'kindling.y=a=b', 'kindling.x=2', 'kindling.z='] });
    expect(args.conf).to.include({ 'kindling.x': '2', 'kindling.y': 'a=b', 'kindling.z': '' });
  });

  it('drops non-Kindling keys from --conf and the properties file with a warning', () => {
    tmp.write('app.ts');
    tmp.write('mixed.conf', 'spark.executor.memory 1g\nkindling.ok 1\n');
    const args = resolve('app.ts', { propertiesFile: 'mixed.conf', conf: ['foo.bar=1', 'kindling.ok2=2'] });
    expect(args.conf).to.deep.equal({ 'kindling.ok': '1', 'kindling.ok2': '2', 'kindling.app.root': tmp.dir });
    expect(warnings).to.deep.equal([
      'Warning: Ignoring non-Kindling config property: spark.executor.memory',
      'Warning: Ignoring non-Kindling config property: foo.bar',
    ]);
  });

  it("rejects --conf without '='", () => {
    tmp.write('app.ts');
    expect(() => resolve('app.ts', { conf: ['kindling.x'] })).to.throw(ConfigError, "Kindling config without '=': kindling.x");
    expect(() => parseConfPair('=1')).to.throw(ConfigError, 'Kindling config without a key: =1');
  });

  it('keeps a kindling.app.root given explicitly', () => {
    tmp.write('app.ts');
    expect(resolve('app.ts', { conf: ['kindling.app.root=/srv/app'] }).conf['kindling.app.root']).to.equal('/srv/app');
  });

  it('falls back to an inherited KINDLING_MASTER and KINDLING_CONF, below everything given here', () => {
    tmp.write('app.ts');
    const env = { KINDLING_MASTER: 'local[5]', KINDLING_CONF: JSON.stringify({ 'kindling.a': 'env', 'kindling.b': 'env' }) };
    const inherited = resolve('app.ts', { conf: ['kindling.b=conf'] }, [], env);
    expect(inherited.master).to.equal('local[5]');
    expect(inherited.conf).to.include({ 'kindling.a': 'env', 'kindling.b': 'conf' });
    expect(resolve('app.ts', { master: 'local[1]' }, [], env).master).to.equal('local[1]');
    expect(resolve('app.ts', {}, [], { KINDLING_MASTER: '' }).master).to.equal(undefined);
    expect(() => resolve('app.ts', {}, [], { KINDLING_CONF: '[1]' })).to.throw(ConfigError, /KINDLING_CONF/);
  });

  it('requires an application file', () => {
    for (const app of [undefined, '']) {
      expect(() => resolve(app))
        .to.throw(MissingAppError)
        .with.property('message', 'Must specify a primary resource (a .js, .mjs, .ts or .mts application file)');
    }
  });

  it('rejects a missing app file, a directory and an unsupported extension', () => {
    expect(() => resolve('missing.ts')).to.throw(IllegalArgumentError, `Application file ${path.join(tmp.dir, 'missing.ts')} does not exist`);
    tmp.write('dir.ts/inner.txt');
    expect(() => resolve('dir.ts')).to.throw(IllegalArgumentError, /is not a file/);
    tmp.write('app.py');
    expect(() => resolve('app.py')).to.throw(IllegalArgumentError, /unsupported extension '\.py'; expected one of \.js, \.mjs, \.ts, \.mts/);
    tmp.write('app.cjs');
    expect(() => resolve('app.cjs')).to.throw(IllegalArgumentError, /unsupported extension '\.cjs'/);
  });

  it('rejects a bad master from a flag before looking at the app, and one from conf too', () => {
    expect(() => resolve('does-not-exist.ts', { master: 'foo' })).to.throw(
      MasterUrlError,
      'Master must either be yarn or start with spark, mesos, k8s, or local (or scheme:// for an adapter registered with kindling.clusterManagers)',
    );
    tmp.write('app.ts');
    expect(() => resolve('app.ts', { conf: ['kindling.master=nowhere'] })).to.throw(MasterUrlError);
  });
});
