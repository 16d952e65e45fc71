import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { SUBMIT, cleanEnv } from './helpers/submit.js';

describe('kindling-submit writing to a closed pipe', () => {
  it('exits 0 without a stack trace when the reader stops early (kindling-submit --help | head -1)', async () => {
    const child = spawn(process.execPath, [SUBMIT, '--help'], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // Read nothing and close our end at once, as `head` does after its line.
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(stderr).to.not.match(/EPIPE|Unhandled/);
    expect(code).to.equal(0);
  });
});
