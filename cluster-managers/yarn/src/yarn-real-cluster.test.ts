import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KindlingContext } from '@kindling/core';
import { KindlingConf, packApplication } from '@kindling/core/cluster-manager';
import { YarnDriverSubmitter } from './yarn-driver-submitter.js';
import { HadoopConf } from './config/hadoop-conf.js';
import { rmEndpoints } from './config/rm-endpoints.js';
import { RmRestClient } from './rest/rm-rest-client.js';
import { containerExecutors, miniYarnConf, miniYarnUnavailable, startMiniYarn, type MiniYarnCluster } from './testing/mini-yarn-cluster.test-helper.js';

/**
 * Against a real YARN: a MiniYARNCluster (Hadoop 3.5.0 from Maven Central, 1 RM + 1 NM) on
 * loopback. Slow (JVM start, containers, ~20 s JVM stop), so behind KINDLING_YARN_IT=1; .ci/run
 * runs it in its own step.
 */
const enabled = process.env['KINDLING_YARN_IT'] === '1';

describe('yarn/real YARN (MiniYARNCluster)', function () {
  this.timeout(300_000);
  let cluster: MiniYarnCluster | undefined;
  let app: string;
  let staging: string;

  before(async function () {
    if (!enabled) {
      console.log('    (skipped: set KINDLING_YARN_IT=1 to run the real-YARN tests; .ci/run does)');
      this.skip();
    }
    const why = miniYarnUnavailable();
    if (why) {
      console.log(`    !!! SKIPPING the real-YARN tests: ${why}`);
      this.skip();
    }
    cluster = await startMiniYarn();
    // A tiny app outside the repository: what is packed and shipped to the containers.
    app = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-yarn-app-'));
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'yarn-it-app', type: 'module' }));
    fs.writeFileSync(path.join(app, 'app.js'), '// entry\n');
    staging = path.join(app, 'staging');
  });
  after(async () => {
    await cluster?.stop();
    if (app) fs.rmSync(app, { recursive: true, force: true });
  });

  const conf = () => ({
    ...miniYarnConf(cluster!.confDir),
    'kindling.app.root': app,
    'kindling.app.entry': path.join(app, 'app.js'),
    'kindling.app.package.cacheDir': path.join(app, '.cache'),
    'kindling.yarn.stagingDir': staging,
    'kindling.authenticate': 'true',
    'kindling.authenticate.secret': 'yarn-it-secret',
  });

  it('runs word count in client mode with 2 executors in YARN containers', async () => {
    const kc = await KindlingContext.create({ master: 'yarn', appName: 'kindling yarn wordcount', conf: conf() });
    let appId = '';
    try {
      appId = kc.applicationId;
      expect(appId).to.match(/^application_\d+_\d{4}$/);
      const lines = ['the quick brown fox', 'jumps over the lazy dog', 'the dog sleeps'];
      const counts = await kc
        .parallelize(lines, 4)
        .flatMap((l) => l.split(' '))
        .map((w) => [w, 1] as [string, number])
        .reduceByKey((a, b) => a + b, 3)
        .collect();
      const m = new Map(counts);
      expect(m.get('the')).to.equal(3);
      expect(m.get('dog')).to.equal(2);
      expect(m.size).to.equal(9);
      expect(kc.executorInfos().length, 'two executors registered from YARN containers').to.equal(2);
    } finally {
      await kc.stop();
    }
    const hc = await HadoopConf.load([cluster!.confDir]);
    const report = await new RmRestClient(rmEndpoints(hc)).app(appId);
    expect(report.state).to.equal('FINISHED');
    expect(report.finalStatus).to.equal('SUCCEEDED');
    expect(fs.readdirSync(staging), 'the staging directory is removed when the app ends').to.deep.equal([]);
  });

  it('names an unknown queue clearly', async () => {
    const sigintListeners = process.listenerCount('SIGINT');
    const err = await KindlingContext.create({ master: 'yarn', conf: { ...conf(), 'kindling.yarn.queue': 'nosuchqueue' } }).then(
      async (kc) => {
        await kc.stop();
        return undefined;
      },
      (e: Error) => e,
    );
    expect(err?.message).to.match(/unknown queue 'nosuchqueue'/);
    expect(fs.readdirSync(staging), 'a failed submit leaves no staged files').to.deep.equal([]);
    expect(process.listenerCount('SIGINT'), 'nor a signal handler').to.equal(sigintListeners);
  });

  it('runs word count in cluster mode: the driver in the AM container from the shipped package (DriverSubmitter)', async () => {
    // An app that depends on Kindling and this adapter, as a user's app installed from npm would.
    const clusterApp = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-yarn-cluster-app-'));
    try {
      fs.writeFileSync(
        path.join(clusterApp, 'package.json'),
        JSON.stringify({ name: 'yarn-cluster-app', type: 'module', dependencies: { '@kindling/core': '0.1.0', '@kindling/cluster-manager-yarn': '0.1.0' } }),
      );
      fs.mkdirSync(path.join(clusterApp, 'node_modules', '@kindling'), { recursive: true });
      fs.symlinkSync(fileURLToPath(new URL('../../../core', import.meta.url)), path.join(clusterApp, 'node_modules', '@kindling', 'core'));
      fs.symlinkSync(fileURLToPath(new URL('..', import.meta.url)), path.join(clusterApp, 'node_modules', '@kindling', 'cluster-manager-yarn'));
      fs.writeFileSync(
        path.join(clusterApp, 'wordcount.js'),
        [
          "import * as fs from 'node:fs';",
          "import { KindlingContext } from '@kindling/core';",
          'const [out] = process.argv.slice(2);',
          'const kc = await KindlingContext.create({});',
          "const counts = await kc.parallelize(['a b a', 'c a b'], 2).flatMap((l) => l.split(' ')).map((w) => [w, 1]).reduceByKey((x, y) => x + y).collect();",
          'fs.writeFileSync(out, JSON.stringify({ counts: Object.fromEntries(counts), executors: kc.executorInfos().length, master: kc.master }));',
          'await kc.stop();',
        ].join('\n'),
      );
      const out = path.join(clusterApp, 'result.json');
      const pkg = await packApplication({ appRoot: clusterApp, entry: 'wordcount.js', cacheDir: path.join(app, '.cache') });
      const { ['kindling.authenticate.secret']: _secret, ...driverConf } = conf();
      const submitter = new YarnDriverSubmitter(new KindlingConf(conf()));
      const submission = await submitter.submit({
        masterUrl: 'yarn',
        appName: 'kindling yarn cluster wordcount',
        conf: driverConf,
        appPackage: pkg,
        appArgs: [out],
        supervise: false,
        driverMemoryMiB: 256,
        driverCores: 1,
      });
      expect(submission.submissionId).to.match(/^application_\d+_\d{4}$/);
      let status = await submitter.status(submission.submissionId);
      const deadline = Date.now() + 180_000;
      while (!['FINISHED', 'FAILED', 'KILLED'].includes(status.state) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 1000));
        status = await submitter.status(submission.submissionId);
      }
      expect(status.state, status.message).to.equal('FINISHED');
      expect(JSON.parse(fs.readFileSync(out, 'utf8'))).to.deep.equal({ counts: { a: 3, b: 2, c: 1 }, executors: 2, master: 'yarn' });
      expect(fs.readdirSync(staging), 'staging removed').to.deep.equal([]);
    } finally {
      fs.rmSync(clusterApp, { recursive: true, force: true });
    }
  });

  it('kills a running application (PUT state KILLED) and the driver learns it', async () => {
    const kc = await KindlingContext.create({ master: 'yarn', conf: conf() });
    const appId = kc.applicationId;
    const hc = await HadoopConf.load([cluster!.confDir]);
    const rm = new RmRestClient(rmEndpoints(hc));
    try {
      expect(await rm.kill(appId)).to.equal('KILLED');
      const report = await rm.app(appId);
      expect(report.state).to.equal('KILLED');
    } finally {
      await kc.stop();
    }
  });

  it('kills the YARN app through REST when the client-mode driver gets SIGINT (Ctrl-C)', async () => {
    const script = path.join(app, 'ctrl-c-driver.mjs');
    const core = new URL('../../../core/dist/index.js', import.meta.url).href;
    fs.writeFileSync(
      script,
      [
        `import { KindlingContext } from ${JSON.stringify(core)};`,
        `const kc = await KindlingContext.create({ master: 'yarn', conf: JSON.parse(process.env.TEST_CONF) });`,
        "console.log('APP ' + kc.applicationId);",
        'setInterval(() => {}, 1000);',
      ].join('\n'),
    );
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [script], { env: { ...process.env, TEST_CONF: JSON.stringify(conf()) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const deadline = Date.now() + 180_000;
    while (!/APP (application_\S+)/.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`driver did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const appId = /APP (application_\S+)/.exec(out)![1]!;
    child.kill('SIGINT');
    const exit = await exited;
    expect(exit.signal, out).to.equal('SIGINT');
    expect(out).to.match(new RegExp(`SIGINT: killing YARN application ${appId}`));
    const hc = await HadoopConf.load([cluster!.confDir]);
    expect((await new RmRestClient(rmEndpoints(hc)).app(appId)).state).to.equal('KILLED');
  });

  it("survives kill -9 of an executor in its container, reporting YARN's exit status as the loss reason", async () => {
    const kc = await KindlingContext.create({ master: 'yarn', conf: conf() });
    const removed: string[] = [];
    kc.addListener({ onExecutorRemoved: (e) => removed.push(`${e.executorId}: ${e.reason ?? ''}`) });
    try {
      const victim = kc.executorInfos()[0]!.executorId;
      const pid = containerExecutors(cluster!).get(victim);
      expect(pid, 'the executor runs in a container of this cluster').to.be.a('number');
      process.kill(pid!, 'SIGKILL');
      const deadline = Date.now() + 60_000;
      while (removed.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(removed[0]).to.match(new RegExp(`^${victim}: Container exited with code 137[\\s\\S]*\\(container_`));
      expect(await kc.parallelize([1, 2, 3, 4], 4).map((x) => x * 2).reduce((a, b) => a + b)).to.equal(20);
    } finally {
      await kc.stop();
    }
  });
});
