import { expect } from 'chai';
import * as path from 'node:path';
import { ConfigError, IllegalArgumentError, MasterUrlError } from '@kindling/core';
import { describeSource } from './conf-sources.js';
import { MissingAppError, parseConfPair, resolveSubmitArguments, type SubmitArguments, type SubmitOptions } from './submit-arguments.js';
import { CONFIG_FLAGS, type ConfigFlag } from './submit-options.js';
import { useTempDir } from './deploy.test-helper.js';

describe('deploy/resolveSubmitArguments', () => {
  const tmp = useTempDir();
  let warnings: string[];
  beforeEach(() => {
    warnings = [];
  });
  before(() => {
    tmp.write('app.ts');
    for (let n = 1; n <= 4; n++) for (const f of ['f', 'g']) tmp.write(`${f}${n}.txt`);
  });

  const resolve = (app: string | undefined, options: SubmitOptions = {}, appArgs: string[] = [], env: NodeJS.ProcessEnv = {}) =>
    resolveSubmitArguments(app, appArgs, options, { cwd: tmp.dir, env, warn: (m) => warnings.push(m) });
  const sourceOf = (args: SubmitArguments, key: string) => describeSource(args.settings.entry(key)!.source);

  it('resolves a bare app: absolute path, name from the file, app root, local[*] and client mode by default', () => {
    const app = tmp.write('jobs/word-count.ts');
    const args = resolve('jobs/word-count.ts', {}, ['in.txt', '--flag']);
    expect(args).to.include({ action: 'submit', master: 'local[*]', deployMode: 'client', name: 'word-count', appPath: app, verbose: false });
    expect(args.appArgs).to.deep.equal(['in.txt', '--flag']);
    expect(args.settings.toRecord()).to.deep.equal({
      'kindling.master': 'local[*]',
      'kindling.submit.deployMode': 'client',
      'kindling.app.name': 'word-count',
      'kindling.app.root': path.dirname(app),
    });
    for (const k of Object.keys(args.settings.toRecord())) expect(sourceOf(args, k)).to.equal('default');
    expect(warnings).to.deep.equal([]);
  });

  it('accepts .js, .mjs, .ts and .mts apps', () => {
    for (const f of ['a.js', 'b.mjs', 'c.ts', 'd.mts']) {
      tmp.write(f);
      expect(resolve(f).name).to.equal(f.slice(0, 1));
    }
  });

  // Every flag, from every source, in spark-submit's order: flag > --conf > properties file > environment > default.
  const context: Record<string, SubmitOptions> = {
    'kindling.executor.cores': { master: 'spark://h:7077' },
    'kindling.executor.instances': { master: 'yarn' },
    'kindling.cores.max': { master: 'spark://h:7077' },
    'kindling.yarn.queue': { master: 'yarn' },
    'kindling.driver.supervise': { master: 'spark://h:7077', deployMode: 'cluster' },
    'kindling.driver.cores': { master: 'spark://h:7077', deployMode: 'cluster' },
  };
  const sample = (f: ConfigFlag, n: number): string => {
    switch (f.kind) {
      case 'memory':
        return `${n}g`;
      case 'positive-int':
        return String(n);
      case 'boolean':
        return n % 2 === 0 ? 'true' : 'false';
      case 'list':
        return `f${n}.txt,g${n}.txt`;
      default:
        return f.key === 'kindling.master' ? `local[${n}]` : f.key === 'kindling.submit.deployMode' ? 'client' : `v${n}`;
    }
  };
  // --files and --archives entries come back absolute (relative to the working directory).
  const resolved = (f: ConfigFlag, n: number): string =>
    f.kind === 'list' ? sample(f, n).split(',').map((p) => path.join(tmp.dir, p)).join(',') : sample(f, n);
  for (const f of CONFIG_FLAGS) {
    it(`${f.flag} → ${f.key}: flag > --conf > properties file${f.env ? ` > ${f.env}` : ''}`, () => {
      const base = context[f.key] ?? {};
      // Context flags (a fitting master) must not shadow the key under test.
      const ctx = { ...base };
      if (f.key === 'kindling.master') delete ctx.master;
      if (f.key === 'kindling.submit.deployMode') delete ctx.deployMode;
      const file = tmp.write(`${f.attr}.conf`, `${f.key} ${sample(f, 2)}\n`);
      const env = f.env ? { [f.env]: sample(f, 1) } : {};
      const flagValue = f.kind === 'boolean' ? true : sample(f, 4);

      if (f.env) {
        const fromEnv = resolve('app.ts', ctx, [], env);
        expect(fromEnv.settings.get(f.key)).to.equal(resolved(f, 1));
        expect(sourceOf(fromEnv, f.key)).to.equal(`environment ${f.env}`);
      }
      const fromFile = resolve('app.ts', { ...ctx, propertiesFile: file }, [], env);
      expect(fromFile.settings.get(f.key)).to.equal(resolved(f, 2));
      expect(sourceOf(fromFile, f.key)).to.equal(`properties file ${file}`);

      const fromConf = resolve('app.ts', { ...ctx, propertiesFile: file, conf: [`${f.key}=${sample(f, 3)}`] }, [], env);
      expect(fromConf.settings.get(f.key)).to.equal(resolved(f, 3));
      expect(sourceOf(fromConf, f.key)).to.equal('--conf');

      const fromFlag = resolve('app.ts', { ...ctx, propertiesFile: file, conf: [`${f.key}=${sample(f, 3)}`], [f.attr]: flagValue }, [], env);
      expect(fromFlag.settings.get(f.key)).to.equal(f.kind === 'boolean' ? 'true' : resolved(f, 4));
      expect(sourceOf(fromFlag, f.key)).to.equal(`flag ${f.flag}`);
    });
  }

  it('reads kindling-defaults.conf from KINDLING_CONF_DIR unless --properties-file is given', () => {
    tmp.write('confdir/kindling-defaults.conf', 'kindling.a from-defaults\n');
    const other = tmp.write('other.conf', 'kindling.b from-other\n');
    const env = { KINDLING_CONF_DIR: path.join(tmp.dir, 'confdir') };
    const dflt = resolve('app.ts', {}, [], env);
    expect(dflt.settings.get('kindling.a')).to.equal('from-defaults');
    expect(dflt.propertiesFile).to.equal(path.join(tmp.dir, 'confdir', 'kindling-defaults.conf'));
    const explicit = resolve('app.ts', { propertiesFile: 'other.conf' }, [], env);
    expect(explicit.settings.get('kindling.a')).to.equal(undefined);
    expect(explicit.propertiesFile).to.equal(other);
    // A conf dir without the file is fine, as spark-submit's.
    expect(resolve('app.ts', {}, [], { KINDLING_CONF_DIR: path.join(tmp.dir, 'nowhere') }).propertiesFile).to.equal(undefined);
  });

  it('makes --files and --archives entries absolute, keeping #aliases and URLs, and refuses missing ones', () => {
    tmp.write('data/lookup.csv');
    tmp.write('data/model.tgz');
    const args = resolve('app.ts', { files: 'data/lookup.csv#table,file:///etc/hosts', archives: `${tmp.dir}/data/model.tgz` });
    expect(args.settings.get('kindling.files')).to.equal(`${tmp.dir}/data/lookup.csv#table,file:///etc/hosts`);
    expect(args.settings.get('kindling.archives')).to.equal(`${tmp.dir}/data/model.tgz`);
    expect(() => resolve('app.ts', { files: 'data/nope.csv' })).to.throw(
      `--files entry 'data/nope.csv': ${tmp.dir}/data/nope.csv does not exist; give an existing file (relative paths are taken from ${tmp.dir})`,
    );
    expect(() => resolve('app.ts', { conf: ['kindling.archives=x.tgz'] })).to.throw("kindling.archives entry 'x.tgz'");
  });

  it('lets the last of repeated --conf win and keeps "=" inside values', () => {
    const args = resolve('app.ts', { conf: ['kindling.x=1', 'kindling.y=a=b', 'kindling.x=2', 'kindling.z='] });
    expect(args.settings.toRecord()).to.include({ 'kindling.x': '2', 'kindling.y': 'a=b', 'kindling.z': '' });
  });

  it('drops non-Kindling keys from --conf, the properties file and KINDLING_CONF with a warning', () => {
    tmp.write('mixed.conf', 'spark.executor.memory 1g\nkindling.ok 1\n');
    const env = { KINDLING_CONF: JSON.stringify({ 'other.key': 'x' }) };
    const args = resolve('app.ts', { propertiesFile: 'mixed.conf', conf: ['foo.bar=1', 'kindling.ok2=2'] }, [], env);
    expect(args.settings.toRecord()).to.include({ 'kindling.ok': '1', 'kindling.ok2': '2' });
    expect(warnings).to.deep.equal([
      'Warning: Ignoring non-Kindling config property: other.key',
      'Warning: Ignoring non-Kindling config property: spark.executor.memory',
      'Warning: Ignoring non-Kindling config property: foo.bar',
    ]);
  });

  it("rejects --conf without '=' or without a key", () => {
    expect(() => resolve('app.ts', { conf: ['kindling.x'] })).to.throw(ConfigError, "Kindling config without '=': kindling.x; write --conf key=value");
    expect(() => parseConfPair('=1')).to.throw(ConfigError, 'Kindling config without a key: =1');
  });

  it('keeps a kindling.app.root or name given explicitly', () => {
    const args = resolve('app.ts', { conf: ['kindling.app.root=/srv/app', 'kindling.app.name=n1'] });
    expect(args.settings.get('kindling.app.root')).to.equal('/srv/app');
    expect(args.name).to.equal('n1');
  });

  it('falls back to an inherited KINDLING_MASTER and KINDLING_CONF, below everything given here', () => {
    const env = { KINDLING_MASTER: 'local[5]', KINDLING_CONF: JSON.stringify({ 'kindling.a': 'env', 'kindling.b': 'env', 'kindling.master': 'local[6]' }) };
    const inherited = resolve('app.ts', { conf: ['kindling.b=conf'] }, [], env);
    expect(inherited.master).to.equal('local[5]');
    expect(sourceOf(inherited, 'kindling.master')).to.equal('environment KINDLING_MASTER');
    expect(sourceOf(inherited, 'kindling.a')).to.equal('environment KINDLING_CONF');
    expect(inherited.settings.toRecord()).to.include({ 'kindling.a': 'env', 'kindling.b': 'conf' });
    expect(resolve('app.ts', { master: 'local[1]' }, [], env).master).to.equal('local[1]');
    expect(resolve('app.ts', {}, [], { KINDLING_MASTER: '' }).master).to.equal('local[*]');
    expect(() => resolve('app.ts', {}, [], { KINDLING_CONF: '[1]' })).to.throw(ConfigError, /KINDLING_CONF/);
  });

  it('requires an application file for a submission, but not for --kill and --status', () => {
    for (const app of [undefined, '']) {
      expect(() => resolve(app))
        .to.throw(MissingAppError)
        .with.property('message', 'Must specify a primary resource (a .js, .mjs, .ts or .mts application file)');
    }
    const kill = resolve(undefined, { kill: 'driver-1', master: 'spark://h:7077' });
    expect(kill).to.include({ action: 'kill', submissionId: 'driver-1', master: 'spark://h:7077' });
    expect(kill.appPath).to.equal(undefined);
    expect(resolve(undefined, { status: 'driver-2', master: 'spark://h:7077' })).to.include({ action: 'status', submissionId: 'driver-2' });
  });

  it('rejects a missing app file, a directory and an unsupported extension', () => {
    expect(() => resolve('missing.ts')).to.throw(IllegalArgumentError, `Application file ${path.join(tmp.dir, 'missing.ts')} does not exist`);
    tmp.write('dir.ts/inner.txt');
    expect(() => resolve('dir.ts')).to.throw(IllegalArgumentError, /is not a file/);
    tmp.write('app.py');
    expect(() => resolve('app.py')).to.throw(IllegalArgumentError, /unsupported extension '\.py'; expected one of \.js, \.mjs, \.ts, \.mts/);
  });

  it('rejects a bad master from a flag before looking at the app, and one from conf naming its source', () => {
    expect(() => resolve('does-not-exist.ts', { master: 'foo' })).to.throw(
      MasterUrlError,
      'Master must either be yarn or start with spark, mesos, k8s, or local (or scheme:// for an adapter registered with kindling.clusterManagers)',
    );
    expect(() => resolve('app.ts', { conf: ['kindling.master=nowhere'] })).to.throw(MasterUrlError, "(kindling.master = 'nowhere' from --conf)");
  });
});
