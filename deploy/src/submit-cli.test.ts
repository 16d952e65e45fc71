import { expect } from 'chai';
import type { LaunchCommand } from './launch-command.js';
import { runSubmitCli } from './submit-cli.js';
import type { SubmitArguments } from './submit-arguments.js';
import { useTempDir } from './deploy.test-helper.js';

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  launched?: { cmd: LaunchCommand; args: SubmitArguments };
}

const HINT = "Run 'kindling-submit --help' for usage.\n";

describe('deploy/runSubmitCli', () => {
  const tmp = useTempDir();
  before(() => {
    tmp.write('app.ts');
  });

  async function cli(argv: string[], env: NodeJS.ProcessEnv = { PATH: '/bin' }): Promise<CliRun> {
    const run: CliRun = { code: -1, stdout: '', stderr: '' };
    run.code = await runSubmitCli(argv, {
      stdout: (t) => void (run.stdout += t),
      stderr: (t) => void (run.stderr += t),
      env,
      cwd: tmp.dir,
      launch: async (cmd, args) => {
        run.launched = { cmd, args };
        return 7;
      },
    });
    return run;
  }

  it('prints help listing every option and exits 0', async () => {
    const run = await cli(['--help']);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.include('Usage: kindling-submit [options] <app.(js|mjs|ts|mts)> [app arguments]');
    for (const opt of [
      '--master <url>', '--deploy-mode <mode>', '--name <name>', '--conf <key=value>', '--properties-file <file>',
      '--driver-memory <mem>', '--driver-cores <n>', '--executor-memory <mem>', '--executor-cores <n>', '--num-executors <n>',
      '--total-executor-cores <n>', '--queue <queue>', '--supervise', '--files <files>', '--archives <archives>',
      '--kill <submission ID>', '--status <submission ID>', '--verbose', '--version', '--help',
      'kindling-submit --kill <submission ID> --master <url>', 'KINDLING_CONF_DIR', 'KINDLING_AUTH_SECRET',
    ]) {
      expect(run.stdout).to.include(opt);
    }
    expect(run.launched).to.equal(undefined);
  });

  it('prints the version and exits 0', async () => {
    const run = await cli(['--version']);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.match(/^kindling-submit \d+\.\d+\.\d+ \(Node v\d+/);
  });

  it('launches the app and returns its exit code', async () => {
    const run = await cli(['--master', 'local[2]', 'app.ts', 'a', 'b']);
    expect(run.code).to.equal(7);
    expect(run.launched!.args.master).to.equal('local[2]');
    expect(run.launched!.cmd.args.slice(-3)).to.deep.equal([`${tmp.dir}/app.ts`, 'a', 'b']);
    expect(run.launched!.cmd.env).to.include({ PATH: '/bin', KINDLING_MASTER: 'local[2]', KINDLING_APP_NAME: 'app' });
    expect(run.stderr).to.equal('');
  });

  it('passes everything after the app file to the app, options and --help included', async () => {
    const run = await cli(['--conf', 'kindling.a=1', 'app.ts', '--foo', '--master', 'x', '-c', 'y', '--help', '--kill', '--']);
    expect(run.code).to.equal(7);
    expect(run.launched!.args.appArgs).to.deep.equal(['--foo', '--master', 'x', '-c', 'y', '--help', '--kill', '--']);
    expect(run.launched!.args.master).to.equal('local[*]');
    expect(run.launched!.args.settings.get('kindling.a')).to.equal('1');
  });

  it('accepts --conf repeatedly, also as -c', async () => {
    const run = await cli(['--conf', 'kindling.a=1', '-c', 'kindling.b=2', '--conf', 'kindling.a=3', 'app.ts']);
    expect(JSON.parse(run.launched!.cmd.env['KINDLING_CONF']!)).to.deep.equal({
      'kindling.a': '3',
      'kindling.b': '2',
      'kindling.app.name': 'app',
      'kindling.app.root': tmp.dir,
    });
  });

  it('warns about non-Kindling properties on stderr', async () => {
    const run = await cli(['--conf', 'spark.foo=1', 'app.ts']);
    expect(run.code).to.equal(7);
    expect(run.stderr).to.equal('Warning: Ignoring non-Kindling config property: spark.foo\n');
  });

  it('exits 1 with the message and the usage when no app is given', async () => {
    const run = await cli(['--master', 'local']);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/^Error: Must specify a primary resource \(a \.js, \.mjs, \.ts or \.mts application file\)\n/);
    expect(run.stderr).to.include('Usage: kindling-submit [options]');
    expect(run.launched).to.equal(undefined);
  });

  it('exits 1 with one line and a usage hint on bad input', async () => {
    const cases: Array<[string[], string]> = [
      [['--master', 'spark-master:7077', 'app.ts'], 'Error: Master must either be yarn or start with spark, mesos, k8s, or local (or scheme:// for an adapter registered with kindling.clusterManagers)\n'],
      [['--conf', 'kindling.a', 'app.ts'], "Error: Kindling config without '=': kindling.a; write --conf key=value\n"],
      [['nope.ts'], `Error: Application file ${tmp.dir}/nope.ts does not exist\n`],
      [['--properties-file', 'none.conf', 'app.ts'], `Error: Properties file ${tmp.dir}/none.conf does not exist\n`],
      [['--deploy-mode', 'cluster', 'app.ts'], `Error: Cluster deploy mode is not compatible with master "local" (got 'local[*]'); use --deploy-mode client, or a cluster master such as spark://host:7077\n`],
      [['--queue', 'q', '--master', 'local[2]', 'app.ts'], "Error: --queue is not supported with master 'local[2]': it applies to master 'yarn' only. Remove --queue or choose a fitting --master.\n"],
      [['--kill', 'd1', '--status', 'd1', '--master', 'spark://h:7077'], 'Error: Action cannot be both --kill and --status; give one of them\n'],
    ];
    for (const [argv, stderr] of cases) {
      const run = await cli(argv);
      expect(run.code, argv.join(' ')).to.equal(1);
      expect(run.stderr, argv.join(' ')).to.equal(stderr + HINT);
      expect(run.launched).to.equal(undefined);
    }
  });

  it('checks the master with the installed cluster managers before starting the driver: one line, exit 1', async () => {
    const cases: Array<[string, string]> = [
      ['local[0]', 'Error: Asked to run locally with 0 threads\n'],
      ['local-cluster[2,1]', "Error: Could not parse master URL: 'local-cluster[2,1]'; expected local-cluster[N,C,M] with N executors, C cores and M MiB each\n"],
      ['nothing://x', "Error: Could not parse master URL: 'nothing://x'\n"],
    ];
    for (const [master, stderr] of cases) {
      const run = await cli(['--master', master, 'app.ts']);
      expect(run.code, master).to.equal(1);
      expect(run.stderr, master).to.equal(stderr);
      expect(run.launched, master).to.equal(undefined);
    }
  });

  it('rejects unknown options before the app and missing option values, with the hint', async () => {
    const unknown = await cli(['--bogus', 'app.ts']);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.equal(`error: unknown option '--bogus'\n${HINT}`);
    const noValue = await cli(['app.ts', '--master']);
    expect(noValue.code).to.equal(7); // after the app it is the app's own argument
    const missing = await cli(['--master']);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.include("option '--master <url>' argument missing");
  });

  it('warns that a secret given with --conf shows in ps, and passes it in the environment only', async () => {
    const run = await cli(['--conf', 'kindling.authenticate.secret=hunter2', 'app.ts']);
    expect(run.stderr).to.include('Warning: kindling.authenticate.secret given with --conf is visible to other users in ps; set KINDLING_AUTH_SECRET');
    expect(run.launched!.cmd.env['KINDLING_AUTH_SECRET']).to.equal('hunter2');
    expect(run.launched!.cmd.env['KINDLING_CONF']).not.to.include('hunter2');
  });

  it('--verbose prints every effective value with its source, secrets redacted, on stderr only', async () => {
    const file = tmp.write('v.conf', 'kindling.executor.memory 2g\nkindling.db.password pw-from-file\n');
    const env = { PATH: '/bin', KINDLING_EXECUTOR_CORES: '3', KINDLING_AUTH_SECRET: 'env-secret' };
    const run = await cli(
      ['--verbose', '--master', 'local[2]', '--name', 'demo', '--properties-file', file, '--conf', 'kindling.z=9',
        '--conf', 'kindling.authenticate.secret=s3cr3t', 'app.ts', 'x', '--token=abc'],
      env,
    );
    expect(run.code).to.equal(7);
    expect(run.stdout).to.equal('');
    const lines = run.stderr.split('\n');
    const line = (prefix: string) => lines.find((l) => l.trimStart().startsWith(prefix));
    expect(line('master ')).to.match(/^ {2}master {10}local\[2\] {2}\(flag --master\)$/);
    expect(line('deployMode ')).to.match(/client {2}\(default\)$/);
    expect(line('name ')).to.match(/demo {2}\(flag --name\)$/);
    expect(line('kindling.z=9')).to.match(/\(--conf\)$/);
    expect(line('kindling.executor.memory=2g')).to.match(new RegExp(`\\(properties file ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\)$`));
    expect(line('kindling.executor.cores=3')).to.match(/\(environment KINDLING_EXECUTOR_CORES\)$/);
    expect(line('kindling.app.root=')).to.match(/\(default\)$/);
    expect(line('kindling.authenticate.secret=')).to.match(/^ {2}kindling\.authenticate\.secret=\*{9}\(redacted\) +\(--conf\)$/);
    expect(line('kindling.db.password=')).to.include('*********(redacted)');
    expect(line('appArguments')).to.equal('  appArguments    [x, *********(redacted)]');
    expect(line('Command:')).to.match(/^Command: \S+ --import file:\S+tsx-preload\.js \S+app\.ts x '\*{9}\(redacted\)'$/);
    for (const secret of ['s3cr3t', 'pw-from-file', 'env-secret', 'abc']) expect(run.stderr).not.to.include(secret);
  });

  it('honours kindling.redaction.regex in --verbose', async () => {
    const run = await cli(['-v', '--conf', 'kindling.redaction.regex=(?i)mykey', '--conf', 'kindling.MYKEY=hidden', '--conf', 'kindling.secret=shown', 'app.ts']);
    expect(run.stderr).not.to.include('hidden');
    expect(run.stderr).to.include('kindling.secret=shown');
  });
});
