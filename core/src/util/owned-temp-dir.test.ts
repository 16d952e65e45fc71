import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createOwnedTempDir, OWNER_MARKER, removeOrphans } from './owned-temp-dir.js';

describe('util/owned-temp-dir', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-owned-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const orphan = (name: string, marker: unknown): string => {
    const dir = path.join(root, name);
    fs.mkdirSync(path.join(dir, 'executor-0'), { recursive: true });
    if (marker !== undefined) fs.writeFileSync(path.join(dir, OWNER_MARKER), JSON.stringify(marker));
    return dir;
  };

  it('removes only directories of the prefix whose owner on this host is dead', () => {
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!; // has exited by now
    const dead = orphan('app-dead', { pid: deadPid, host: os.hostname() });
    const live = orphan('app-live', { pid: process.pid, host: os.hostname() });
    const otherHost = orphan('app-remote', { pid: deadPid, host: `not-${os.hostname()}` });
    const noMarker = orphan('app-unknown', undefined);
    const otherPrefix = orphan('other-dead', { pid: deadPid, host: os.hostname() });
    expect(removeOrphans(root, 'app-')).to.deep.equal([dead]);
    for (const kept of [live, otherHost, noMarker, otherPrefix]) expect(fs.existsSync(kept), kept).to.equal(true);
  });

  it('creates a directory with its owner marker, sweeps orphans first, and removes it with its hooks run first', () => {
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
    const stale = orphan('kindling-x-stale', { pid: deadPid, host: os.hostname() });
    const dir = createOwnedTempDir(root, 'kindling-x-');
    expect(fs.existsSync(stale)).to.equal(false);
    expect(JSON.parse(fs.readFileSync(path.join(dir.path, OWNER_MARKER), 'utf8'))).to.deep.equal({ pid: process.pid, host: os.hostname() });
    const order: string[] = [];
    dir.beforeRemove(() => order.push(fs.existsSync(dir.path) ? 'hook before removal' : 'hook after removal'));
    dir.remove();
    dir.remove();
    expect(order).to.deep.equal(['hook before removal']);
    expect(fs.existsSync(dir.path)).to.equal(false);
  });
});
