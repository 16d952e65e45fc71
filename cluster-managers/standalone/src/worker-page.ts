/** The worker's web UI (Spark's WorkerPage and LogPage): its executors and their stdout/stderr. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { escapeHtml, link, mib, page, table, type Route } from './web-ui.js';

export interface WorkerView {
  id: string;
  masterUrl: string;
  cores: number;
  memoryMib: number;
  workDir: string;
  executors: Array<{ appId: string; executorId: string; cores: number; memoryMib: number; state: string }>;
  drivers: Array<{ driverId: string; appName: string }>;
}

const SAFE = /^[A-Za-z0-9._-]+$/;
/** The last part of a log a page shows, as Spark's log page does by default. */
const LOG_TAIL_BYTES = 100 * 1024;

export function workerRoutes(view: () => WorkerView): Route {
  return (url) => {
    const v = view();
    if (url.pathname === '/json' || url.pathname === '/json/') return { type: 'json', body: JSON.stringify(v, null, 2) };
    if (url.pathname === '/') return { type: 'html', body: workerPage(v) };
    if (url.pathname === '/logPage' || url.pathname === '/logPage/' || url.pathname === '/log') {
      const driverId = url.searchParams.get('driverId');
      const logType = url.searchParams.get('logType') ?? '';
      if (driverId !== null) {
        // A cluster-mode driver's logs: <work-dir>/<driver-id>/.
        if (!SAFE.test(driverId) || driverId === '..' || (logType !== 'stdout' && logType !== 'stderr')) {
          return { status: 400, type: 'text', body: 'driverId must be an id ([A-Za-z0-9._-]) and logType stdout or stderr\n' };
        }
        return logResponse(url, path.join(v.workDir, driverId, logType), `${logType} of driver ${driverId}`);
      }
      const appId = url.searchParams.get('appId') ?? '';
      const executorId = url.searchParams.get('executorId') ?? '';
      // Names come from the URL: refuse anything that could leave the work directory.
      if (!SAFE.test(appId) || !SAFE.test(executorId) || appId === '..' || executorId === '..' || (logType !== 'stdout' && logType !== 'stderr')) {
        return { status: 400, type: 'text', body: 'appId and executorId must be ids ([A-Za-z0-9._-]) and logType stdout or stderr\n' };
      }
      return logResponse(url, path.join(v.workDir, appId, executorId, logType), `${logType} of executor ${executorId} (${appId})`);
    }
    return undefined;
  };
}

function logResponse(url: URL, file: string, title: string): ReturnType<Route> {
  if (!fs.existsSync(file)) return { status: 404, type: 'text', body: `No ${title}\n` };
  const text = tail(file);
  if (url.pathname === '/log') return { type: 'text', body: text };
  return { type: 'html', body: page(title, `<pre id="log">${escapeHtml(text)}</pre>`) };
}

function tail(file: string): string {
  const size = fs.statSync(file).size;
  const start = Math.max(0, size - LOG_TAIL_BYTES);
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(size - start);
    fs.readSync(fd, buf, 0, buf.length, start);
    return buf.toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

export function workerPage(v: WorkerView): string {
  const logs = (e: WorkerView['executors'][number]) => {
    const q = (t: string) => `/logPage/?appId=${encodeURIComponent(e.appId)}&executorId=${encodeURIComponent(e.executorId)}&logType=${t}`;
    return { html: `${link(q('stdout'), 'stdout').html} ${link(q('stderr'), 'stderr').html}` };
  };
  const body =
    `<ul><li><strong>ID:</strong> ${escapeHtml(v.id)}</li><li><strong>Master:</strong> ${escapeHtml(v.masterUrl)}</li>` +
    `<li><strong>Cores:</strong> ${v.cores}</li><li><strong>Memory:</strong> ${mib(v.memoryMib)}</li></ul>` +
    `<h2>Executors (${v.executors.length})</h2>` +
    table('executors', ['Application ID', 'Executor', 'Cores', 'Memory', 'State', 'Logs'], v.executors.map((e) => [e.appId, e.executorId, e.cores, mib(e.memoryMib), e.state, logs(e)])) +
    `<h2>Drivers (${v.drivers.length})</h2>` +
    table(
      'drivers',
      ['Submission ID', 'Name', 'Logs'],
      v.drivers.map((d) => {
        const q = (t: string) => `/logPage/?driverId=${encodeURIComponent(d.driverId)}&logType=${t}`;
        return [d.driverId, d.appName, { html: `${link(q('stdout'), 'stdout').html} ${link(q('stderr'), 'stderr').html}` }];
      }),
    );
  return page(`Kindling worker ${v.id}`, body);
}
