import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const app = fileURLToPath(new URL('../../testdata/no-stop-driver.mjs', import.meta.url));

function run(localDir: string, how: string): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  const child = spawn(process.execPath, [app, localDir, how], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.on('data', (d) => {
    if (String(d).includes('READY')) child.kill('SIGTERM');
  });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stderr })));
}

/** A local-cluster app that exits without kc.stop() leaves no kindling-local-cluster-* behind. */
describe('local-cluster temporary directories', function () {
  this.timeout(120_000);
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-tmpdirs-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const cases: Array<[string, (r: Awaited<ReturnType<typeof run>>) => void]> = [
    ['throw', (r) => expect(r.stderr).to.contain('top-level throw without kc.stop()')],
    ['reject', (r) => expect(r.stderr).to.contain('unhandled rejection at the top level')],
    ['exit', (r) => expect(r.code).to.equal(3)],
    ['signal', (r) => expect(r.signal).to.equal('SIGTERM', 'it still dies of the signal')],
  ];
  for (const [how, check] of cases) {
    it(`are removed when the app ends by ${how === 'signal' ? 'SIGTERM' : how === 'exit' ? 'process.exit' : `a top-level ${how}`}`, async () => {
      const result = await run(root, how);
      check(result);
      expect(fs.readdirSync(root)).to.deep.equal([]);
    });
  }
});
