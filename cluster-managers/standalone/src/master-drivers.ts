/**
 * The master's part of cluster deploy mode (Spark's driver scheduling in Master and its
 * RequestSubmitDriver / RequestKillDriver / RequestDriverStatus handling): it stores uploaded
 * application packages, queues drivers, places them on workers before any executor, serves the
 * package to the worker, and relaunches supervised drivers whose worker died.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { serveAppPackageChunk, type Reply } from '@kindling/core/cluster-manager';
import { coresUsed, memoryUsed, timestampId, type DriverInfo, type DriverState, type WorkerInfo } from './master-model.js';
import { StandaloneError } from './standalone-error.js';
import { Msg, type DriverDescription } from './standalone-messages.js';

const HASH = /^[0-9a-f]{64}$/;
const FINISHED: ReadonlySet<DriverState> = new Set(['FINISHED', 'KILLED', 'FAILED', 'ERROR']);

export class MasterDrivers {
  readonly drivers = new Map<string, DriverInfo>();
  readonly completed: DriverInfo[] = [];
  private readonly waiting: string[] = [];
  private next = 0;
  private rotation = 0;

  constructor(
    private readonly workers: Map<string, WorkerInfo>,
    private readonly packageDir: string,
    private readonly masterUrl: () => string,
    private readonly log: (m: string) => void,
    private readonly retained = 200,
  ) {
    fs.mkdirSync(packageDir, { recursive: true, mode: 0o700 });
  }

  /** One chunk of a package upload; the last one is verified against the hash before it is kept. */
  upload(p: Record<string, unknown>, body: Uint8Array | undefined): void {
    const hash = String(p['hash'] ?? '');
    const offset = Number(p['offset'] ?? 0);
    const size = Number(p['size'] ?? 0);
    if (!HASH.test(hash)) throw new StandaloneError(`Invalid package hash '${hash}'; expected a hex SHA-256`);
    const final = this.archive(hash);
    if (fs.existsSync(final)) return;
    const part = `${final}.part`;
    if (offset === 0) fs.writeFileSync(part, new Uint8Array(), { mode: 0o600 });
    if (!fs.existsSync(part) || fs.statSync(part).size !== offset) throw new StandaloneError(`Upload of package ${hash} is out of order at byte ${offset}; start again from 0`);
    fs.appendFileSync(part, body ?? new Uint8Array());
    if (offset + (body?.byteLength ?? 0) < size) return;
    const actual = createHash('sha256').update(fs.readFileSync(part)).digest('hex');
    if (actual !== hash) {
      fs.rmSync(part, { force: true });
      throw new StandaloneError(`Uploaded package is corrupt: its SHA-256 is ${actual}, expected ${hash}; submit again`);
    }
    fs.renameSync(part, final);
  }

  /** Takes an application package archive already on this machine (the REST server's appResource). */
  importPackage(file: string): { hash: string; size: number } {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (e) {
      throw new StandaloneError(`Cannot read application package '${file}' on the master: ${(e as Error).message}`);
    }
    const hash = createHash('sha256').update(bytes).digest('hex');
    const final = this.archive(hash);
    if (!fs.existsSync(final)) {
      fs.writeFileSync(`${final}.part`, bytes, { mode: 0o600 });
      fs.renameSync(`${final}.part`, final);
    }
    return { hash, size: bytes.byteLength };
  }

  submit(desc: DriverDescription): DriverInfo {
    if (!HASH.test(desc.packageHash) || !fs.existsSync(this.archive(desc.packageHash))) {
      throw new StandaloneError(`Package ${desc.packageHash} was not uploaded to this master; upload it before SubmitDriver`);
    }
    if (!desc.entry || desc.entry.startsWith('/') || desc.entry.split('/').includes('..')) throw new StandaloneError(`Invalid entry file '${desc.entry}'`);
    if (desc.cores < 1 || desc.memoryMib < 1) throw new StandaloneError(`A driver needs at least 1 core and 1 MiB, got ${desc.cores} cores, ${desc.memoryMib} MiB`);
    const id = `driver-${timestampId()}-${String(this.next++).padStart(4, '0')}`;
    const d: DriverInfo = { id, desc, state: 'SUBMITTED', submitTime: Date.now(), message: '' };
    this.drivers.set(id, d);
    this.waiting.push(id);
    this.log(`Driver ${id} submitted (${desc.appName}${desc.supervise ? ', supervised' : ''})`);
    return d;
  }

  status(id: string): Record<string, unknown> {
    const d = this.drivers.get(id) ?? this.completed.find((c) => c.id === id);
    if (!d) return { found: false, driverId: id, state: 'UNKNOWN', workerId: '', workerHost: '', message: `No driver ${id} on this master` };
    const w = d.workerId ? this.workers.get(d.workerId) : undefined;
    return { found: true, driverId: id, state: d.state, workerId: d.workerId ?? '', workerHost: w?.host ?? '', message: d.message };
  }

  kill(id: string): Record<string, unknown> {
    const d = this.drivers.get(id);
    if (!d) return { ...this.status(id), message: `Driver ${id} has already finished or does not exist` };
    if (d.workerId) this.workers.get(d.workerId)?.conn?.send(Msg.KillDriver, { driverId: id });
    else this.end(d, 'KILLED', 'killed before it started');
    return { ...this.status(id), message: `Kill request for ${id} submitted` };
  }

  stateChanged(p: Record<string, unknown>): void {
    const d = this.drivers.get(String(p['driverId']));
    if (!d) return;
    const state = String(p['state']) as DriverState;
    d.message = String(p['message'] ?? '');
    if (FINISHED.has(state)) this.end(d, state, d.message);
    else d.state = state;
  }

  /** Drivers first (Spark's schedule()): round-robin over alive workers with room. */
  schedule(): void {
    for (const id of [...this.waiting]) {
      const d = this.drivers.get(id);
      if (!d) continue;
      const alive = [...this.workers.values()].filter((w) => w.state === 'ALIVE' && w.conn);
      for (let i = 0; i < alive.length; i++) {
        const w = alive[(this.rotation + i) % alive.length]!;
        if (w.cores - coresUsed(w) >= d.desc.cores && w.memoryMib - memoryUsed(w) >= d.desc.memoryMib) {
          this.rotation = (this.rotation + i + 1) % alive.length;
          this.waiting.splice(this.waiting.indexOf(id), 1);
          d.state = 'RUNNING';
          d.workerId = w.id;
          w.drivers.set(id, d);
          this.log(`Launching driver ${id} on worker ${w.id}`);
          w.conn!.send(Msg.LaunchDriver, { driverId: id, description: d.desc, masterUrl: this.masterUrl() });
          break;
        }
      }
    }
  }

  /** A worker died: supervised drivers go back in the queue, the others end in ERROR. */
  workerRemoved(w: WorkerInfo): void {
    for (const d of [...w.drivers.values()]) {
      w.drivers.delete(d.id);
      d.workerId = undefined;
      if (d.desc.supervise) {
        d.state = 'RELAUNCHING';
        this.waiting.push(d.id);
        this.log(`Relaunching supervised driver ${d.id}: its worker ${w.id} was lost`);
      } else {
        this.end(d, 'ERROR', `its worker ${w.id} was lost`);
      }
    }
  }

  /** A re-registering worker reports the drivers it still runs. */
  adopt(w: WorkerInfo, ids: string[]): void {
    for (const id of ids) {
      const d = this.drivers.get(id);
      if (!d) {
        w.conn?.send(Msg.KillDriver, { driverId: id });
        continue;
      }
      d.state = 'RUNNING';
      d.workerId = w.id;
      w.drivers.set(id, d);
      const i = this.waiting.indexOf(id);
      if (i >= 0) this.waiting.splice(i, 1);
    }
  }

  /** Core's fetchAppPackage file service, for workers that start a driver. */
  async servePackage(p: Record<string, unknown>, reply: Reply): Promise<void> {
    const hash = String(p['hash'] ?? '');
    const file = this.archive(HASH.test(hash) ? hash : 'none');
    if (!fs.existsSync(file)) throw new StandaloneError(`This master has no application package '${hash}'`);
    const pkg = { hash, sizeBytes: fs.statSync(file).size, archivePath: file, entry: '' };
    await serveAppPackageChunk(async () => pkg, 'cluster-mode driver', p, reply);
  }

  private end(d: DriverInfo, state: DriverState, message: string): void {
    d.state = state;
    d.message = message;
    if (d.workerId) this.workers.get(d.workerId)?.drivers.delete(d.id);
    this.drivers.delete(d.id);
    const i = this.waiting.indexOf(d.id);
    if (i >= 0) this.waiting.splice(i, 1);
    this.completed.push(d);
    if (this.completed.length > this.retained) this.completed.shift();
    this.log(`Driver ${d.id} ${state}${message ? `: ${message}` : ''}`);
  }

  private archive(hash: string): string {
    return path.join(this.packageDir, `${hash}.tgz`);
  }
}
