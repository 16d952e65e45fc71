/** The master's web UI (Spark's MasterPage): workers, applications, and links to executor logs. */
import type { MasterSnapshot } from './master-snapshot.js';
import { escapeHtml, link, mib, page, table, type Route } from './web-ui.js';

export function masterRoutes(snapshot: () => MasterSnapshot): Route {
  return (url) => {
    if (url.pathname === '/json' || url.pathname === '/json/') return { type: 'json', body: JSON.stringify(snapshot(), null, 2) };
    if (url.pathname === '/') return { type: 'html', body: masterPage(snapshot()) };
    return undefined;
  };
}

export function masterPage(s: MasterSnapshot): string {
  const workerUi = new Map(s.workers.map((w) => [w.id, w.webuiaddress]));
  const logLinks = (appId: string, e: { executorId: string; workerId: string }) => {
    const ui = workerUi.get(e.workerId);
    if (!ui) return { html: '' };
    const q = (t: string) => `${ui}/logPage/?appId=${encodeURIComponent(appId)}&executorId=${encodeURIComponent(e.executorId)}&logType=${t}`;
    return { html: `${link(q('stdout'), 'stdout').html} ${link(q('stderr'), 'stderr').html}` };
  };
  const apps = (id: string, list: MasterSnapshot['activeapps']) =>
    table(
      id,
      ['Application ID', 'Name', 'Cores', 'Memory per executor', 'Submitted', 'User', 'State', 'Duration'],
      list.map((a) => [a.id, a.name, a.cores, mib(a.memoryperslave), new Date(a.starttime).toISOString(), a.user, a.state, `${Math.round(a.duration / 1000)} s`]),
    );
  const driverLogs = (d: MasterSnapshot['activedrivers'][number]) => {
    const ui = workerUi.get(d.worker);
    if (!ui) return { html: '' };
    const q = (t: string) => `${ui}/logPage/?driverId=${encodeURIComponent(d.id)}&logType=${t}`;
    return { html: `${link(q('stdout'), 'stdout').html} ${link(q('stderr'), 'stderr').html}` };
  };
  const drivers = (id: string, title: string, list: MasterSnapshot['activedrivers']) =>
    `<h2>${escapeHtml(title)} (${list.length})</h2>` +
    table(
      id,
      ['Submission ID', 'Name', 'Worker', 'State', 'Cores', 'Memory', 'Supervise', 'Submitted', 'Logs'],
      list.map((d) => [d.id, d.name, d.worker, d.state, d.cores, mib(d.memory), String(d.supervise), new Date(d.starttime).toISOString(), driverLogs(d)]),
    );
  const executors = s.activeapps.flatMap((a) => a.executors.map((e) => [a.id, e.executorId, e.workerId, e.cores, e.state, logLinks(a.id, e)]));
  const body =
    `<ul id="summary"><li><strong>URL:</strong> ${escapeHtml(s.url)}</li>` +
    `<li><strong>Status:</strong> <span id="status">${escapeHtml(s.status)}</span></li>` +
    `<li><strong>Alive workers:</strong> ${s.aliveworkers}</li>` +
    `<li><strong>Cores in use:</strong> ${s.cores} total, ${s.coresused} used</li>` +
    `<li><strong>Memory in use:</strong> ${mib(s.memory)} total, ${mib(s.memoryused)} used</li></ul>` +
    `<h2>Workers (${s.workers.length})</h2>` +
    table(
      'workers',
      ['Worker ID', 'Address', 'State', 'Cores', 'Memory'],
      s.workers.map((w) => [
        w.webuiaddress ? link(w.webuiaddress, w.id) : w.id,
        w.host,
        w.state,
        `${w.cores} (${w.coresused} used)`,
        `${mib(w.memory)} (${mib(w.memoryused)} used)`,
      ]),
    ) +
    `<h2>Running applications (${s.activeapps.length})</h2>${apps('running-apps', s.activeapps)}` +
    `<h2>Executors of running applications</h2>${table('executors', ['Application ID', 'Executor', 'Worker', 'Cores', 'State', 'Logs'], executors)}` +
    `<h2>Completed applications (${s.completedapps.length})</h2>${apps('completed-apps', s.completedapps)}` +
    drivers('running-drivers', 'Running drivers', s.activedrivers) +
    drivers('completed-drivers', 'Completed drivers', s.completeddrivers);
  return page(`Kindling master at ${s.url}`, body);
}
