/**
 * Smoke test of the benchmark runner: it starts, runs the smallest benchmark and prints the
 * report table. No timing assertions: performance is only measured by `npm run bench`.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';

const run = promisify(execFile);
// test/dist/bench-smoke.test.js -> repository root
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('benchmark runner (smoke)', function () {
  this.timeout(120_000);

  it('runs trivial-job-latency in quick mode and prints the Markdown table', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--only', 'trivial-job-latency'], {
      cwd: ROOT,
      env: { ...process.env, KINDLING_MASTER: '', KINDLING_CONF: '' },
      maxBuffer: 16 * 1024 * 1024,
    });
    const lines = stdout.split('\n');
    expect(lines).to.include('| benchmark | what it runs | result | baseline | ratio | target | met? |');
    const row = lines.find((l) => l.startsWith('| trivial-job-latency |'));
    expect(row, stdout).to.be.a('string');
    const cells = row!.split(' | ');
    expect(cells).to.have.length(7);
    expect(row).to.match(/median [0-9.]+ (ms|s), p90 [0-9.]+ (ms|s)/);
    expect(row).not.to.match(/failed:/);
    // Only the selected benchmark runs.
    expect(lines.filter((l) => /^\| [a-z]/.test(l) && !l.startsWith('| benchmark |'))).to.have.length(1);
  });

  it('reports a benchmark whose master URL cannot be created as skipped', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', '--quick', '--only', 'trivial-job-latency', '--master', 'no-such-master://x'],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
    );
    const row = stdout.split('\n').find((l) => l.startsWith('| trivial-job-latency |'));
    expect(row, stdout).to.match(/\| skipped: Could not parse master URL: 'no-such-master:\/\/x' \|$/);
  });

  it('rejects an unknown benchmark name', async () => {
    const err = await run(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--only', 'no-such-benchmark'], { cwd: ROOT }).then(
      () => undefined,
      (e: { code?: number; stderr?: string }) => e,
    );
    expect(err?.code).to.equal(2);
    expect(err?.stderr).to.contain('unknown benchmark(s): no-such-benchmark');
  });
});
