import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = path.join(repo, 'test', 'testdata', 'broken-adapters');

/**
 * An app whose node_modules holds a broken @kindling/cluster-manager-local next to a working
 * @kindling/core. The app lives below the repository (node_modules/.cache) so that core's own
 * dependencies still resolve from the root; --preserve-symlinks makes core resolve the adapter
 * from the app's node_modules, as an installed copy of core would.
 */
function runWithBrokenAdapter(fixture: 'no-dist' | 'throws'): string {
  const cache = path.join(repo, 'node_modules', '.cache');
  fs.mkdirSync(cache, { recursive: true });
  const app = fs.mkdtempSync(path.join(cache, 'kindling-broken-adapter-'));
  try {
    const scope = path.join(app, 'node_modules', '@kindling');
    fs.mkdirSync(scope, { recursive: true });
    fs.symlinkSync(path.join(repo, 'core'), path.join(scope, 'core'), 'dir');
    fs.cpSync(path.join(fixtures, fixture), path.join(scope, 'cluster-manager-local'), { recursive: true });
    fs.copyFileSync(path.join(fixtures, 'app.mjs'), path.join(app, 'app.mjs'));
    const env = { ...process.env };
    delete env['KINDLING_MASTER'];
    return execFileSync(process.execPath, ['--preserve-symlinks', path.join(app, 'app.mjs')], { cwd: app, env, encoding: 'utf8' });
  } finally {
    fs.rmSync(app, { recursive: true, force: true });
  }
}

describe('a cluster-manager package that is installed but fails to load', function () {
  this.timeout(60_000);

  it('without its dist/: the error names the package and the cause, not "Could not parse master URL"', () => {
    const out = runWithBrokenAdapter('no-dist');
    expect(out).to.match(/^ClusterManagerError: Cluster manager package '@kindling\/cluster-manager-local' is installed \(.*package\.json\) but failed to load: /);
    expect(out).to.match(/dist[\\/]index\.js/);
    expect(out).to.contain('Reinstall it, or build it');
    expect(out).to.not.contain('Could not parse master URL');
  });

  it('whose import throws: the error carries the thrown message', () => {
    const out = runWithBrokenAdapter('throws');
    expect(out).to.contain("Cluster manager package '@kindling/cluster-manager-local' is installed");
    expect(out).to.contain('native binding kindling_fixture.node was built for another Node version');
    expect(out).to.not.contain('Could not parse master URL');
  });
});
