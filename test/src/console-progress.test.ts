/**
 * The console progress bar in a real driver: drawn on stderr under a terminal (a pty from
 * `script`), absent when stderr is a pipe, and never on stdout.
 */
import { expect } from 'chai';
import { execFileSync, spawn } from 'node:child_process';
import * as path from 'node:path';
import { ROOT, SUBMIT, TESTDATA, cleanEnv, runSubmit } from './helpers/submit.js';

const APP = path.join(TESTDATA, 'slow-stage-app.ts');

function hasScript(): boolean {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs kindling-submit with stderr on a pty (util-linux `script`) and stdout on a pipe. */
function runUnderPty(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; terminal: string; stdout: string }> {
  const inner = [process.execPath, SUBMIT, ...args].map(shellQuote).join(' ');
  // Inside the pty, stdout goes to fd 3 (a pipe to this test), so only stderr is on the terminal.
  const command = `${inner} 1>&3`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
    let terminal = '';
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (terminal += d));
    (child.stdio[3] as NodeJS.ReadableStream).setEncoding('utf8');
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: string) => (stdout += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, terminal, stdout }));
  });
}

describe('console progress bar (end to end)', function () {
  this.timeout(120_000);

  it('draws [Stage 0:...] on a terminal stderr, in place, and clears it; stdout stays clean', async function () {
    if (process.platform !== 'linux' || !hasScript()) {
      console.log('    (skipped: needs util-linux `script` to give kindling-submit a pty)');
      this.skip();
    }
    const run = await runUnderPty(['--master', 'local[2]', APP], { ...cleanEnv(), COLUMNS: '60' });
    expect(run.code, run.terminal).to.equal(0);
    expect(run.stdout).to.equal('counted 8\n');
    const bars = run.terminal.match(/\[Stage 0:[=> ]*\(\d+ \+ \d+\) \/ 8\]/g) ?? [];
    expect(bars.length, run.terminal).to.be.at.least(1);
    expect(run.terminal).to.include('\r[Stage 0:');
    // Cleared at the end: a carriage return, blanks to the width, a carriage return.
    expect(run.terminal).to.match(/\r {20,}\r/);
  });

  it('is off when stderr is not a terminal, and with kindling.ui.showConsoleProgress=false', async function () {
    const piped = await runSubmit(['--master', 'local[2]', APP]);
    expect(piped.code, piped.stderr).to.equal(0);
    expect(piped.stderr).not.to.include('[Stage');
    expect(piped.stdout).to.equal('counted 8\n');
    if (process.platform !== 'linux' || !hasScript()) return;
    const off = await runUnderPty(['--master', 'local[2]', '--conf', 'kindling.ui.showConsoleProgress=false', APP], cleanEnv());
    expect(off.code, off.terminal).to.equal(0);
    expect(off.terminal).not.to.include('[Stage');
  });
});
