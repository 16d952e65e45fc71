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

describe('deploy/runSubmitCli', () => {
  const tmp = useTempDir();
  before(() => {
    tmp.write('app.ts');
  });

  async function cli(...argv: string[]): Promise<CliRun> {
    const run: CliRun = { code: -1, stdout: '', stderr: '' };
    run.code = await runSubmitCli(argv, {
      stdout: (t) => void (run.stdout += t),
      stderr: (t) => void (run.stderr += t),
      env: { PATH: '/bin' },
      cwd: tmp.dir,
      launch: async (cmd, args) => {
        run.launched = { cmd, args };
        return 7;
      },
    });
    return run;
  }

  it('prints help listing every option and exits 0', async () => {
    const run = await cli('--help');
    expect(run.code).to.equal(0);
    expect(run.stdout).to.include('Usage: kindling-submit [options] <app.(js|mjs|ts|mts)> [app arguments]');
    for (const opt of ['--master <url>', '--name <name>', '--conf <key=value>', '--properties-file <file>', '--verbose', '--help']) {
      expect(run.stdout).to.include(opt);
    }
    expect(run.launched).to.equal(undefined);
  });

  it('launches the app and returns its exit code', async () => {
    const run = await cli('--master', 'local[2]', 'app.ts', 'a', 'b');
    expect(run.code).to.equal(7);
    expect(run.launched!.args.master).to.equal('local[2]');
    expect(run.launched!.cmd.args.slice(-3)).to.deep.equal([`${tmp.dir}/app.ts`, 'a', 'b']);
    expect(run.launched!.cmd.env).to.include({ PATH: '/bin', KINDLING_MASTER: 'local[2]', KINDLING_APP_NAME: 'app' });
    expect(run.stderr).to.equal('');
  });

  it('passes everything after the app file to the app, options and --help included', async () => {
    const run = await cli('--conf', 'kindling.a=1', 'app.ts', '--foo', '--master', 'x', '-c', 'y', '--help', '--');
    expect(run.code).to.equal(7);
    expect(run.launched!.args.appArgs).to.deep.equal(['--foo', '--master', 'x', '-c', 'y', '--help', '--']);
    expect(run.launched!.args.master).to.equal(undefined);
    expect(run.launched!.args.conf).to.include({ 'kindling.a': '1' });
  });

  it('accepts --conf repeatedly, also as -c', async () => {
    const run = await cli('--conf', 'kindling.a=1', '-c', 'kindling.b=2', '--conf', 'kindling.a=3', 'app.ts');
    expect(JSON.parse(run.launched!.cmd.env['KINDLING_CONF']!)).to.deep.equal({
      'kindling.a': '3',
      'kindling.b': '2',
      'kindling.app.root': tmp.dir,
    });
  });

  it('warns about non-Kindling properties on stderr', async () => {
    const run = await cli('--conf', 'spark.foo=1', 'app.ts');
    expect(run.code).to.equal(7);
    expect(run.stderr).to.equal('Warning: Ignoring non-Kindling config property: spark.foo\n');
  });

  it('exits 1 with the message and the usage when no app is given', async () => {
    const run = await cli('--master', 'local');
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/^Error: Must specify a primary resource \(a \.js, \.mjs, \.ts or \.mts application file\)\n/);
    expect(run.stderr).to.include('Usage: kindling-submit [options]');
    expect(run.launched).to.equal(undefined);
  });

  it('exits 1 on a bad master, a bad --conf, a missing or unsupported app and a missing properties file', async () => {
    const cases: Array<[string[], string]> = [
      [['--master', 'spark-master:7077', 'app.ts'], 'Error: Master must either be yarn or start with spark, mesos, k8s, or local (or scheme:// for an adapter registered with kindling.clusterManagers)\n'],
      [['--conf', 'kindling.a', 'app.ts'], "Error: Kindling config without '=': kindling.a\n"],
      [['nope.ts'], `Error: Application file ${tmp.dir}/nope.ts does not exist\n`],
      [['--properties-file', 'none.conf', 'app.ts'], `Error: Properties file ${tmp.dir}/none.conf does not exist\n`],
    ];
    for (const [argv, stderr] of cases) {
      const run = await cli(...argv);
      expect(run.code, argv.join(' ')).to.equal(1);
      expect(run.stderr, argv.join(' ')).to.equal(stderr);
      expect(run.launched).to.equal(undefined);
    }
    tmp.write('app.txt');
    const bad = await cli('app.txt');
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.include("unsupported extension '.txt'");
  });

  it('rejects unknown options before the app and missing option values', async () => {
    const unknown = await cli('--bogus', 'app.ts');
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.include("unknown option '--bogus'");
    const noValue = await cli('app.ts', '--master');
    expect(noValue.code).to.equal(7); // after the app it is the app's own argument
    const missing = await cli('--master');
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.include("option '--master <url>' argument missing");
  });

  it('prints the resolved master, name, conf and command with --verbose', async () => {
    const run = await cli('--verbose', '--master', 'local[2]', '--name', 'demo', '--conf', 'kindling.z=9', 'app.ts', 'x');
    expect(run.code).to.equal(7);
    expect(run.stderr).to.include('  master          local[2]\n');
    expect(run.stderr).to.include('  name            demo\n');
    expect(run.stderr).to.include('  kindling.z=9\n');
    expect(run.stderr).to.include(`  kindling.app.root=${tmp.dir}\n`);
    expect(run.stderr).to.match(/Command: \S+ --import file:\S+tsx-preload\.js \S+app\.ts x\n/);
  });
});
