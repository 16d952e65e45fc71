import { YarnError } from '../yarn-errors.js';
import { explainDiagnostics } from './diagnostics.js';
import { TERMINAL_STATES, sleep, type AppReport, type RmRestClient } from './rm-rest-client.js';

export interface MonitorOptions {
  intervalMs?: number;
  /** Where state changes go (the client's console by default). */
  log?: (line: string) => void;
  /** Resolve as soon as the app reaches one of these states (e.g. RUNNING) instead of waiting for the end. */
  until?: ReadonlySet<string>;
  signal?: AbortSignal;
}

/**
 * Polls the app until it ends (or reaches `until`), printing each state change with the tracking
 * URL. A FAILED or KILLED app throws a YarnError whose message names the cause, because YARN
 * accepts a submission to an unknown queue with 202 and only the app's diagnostics tell.
 */
export async function monitorApplication(rm: RmRestClient, applicationId: string, queue: string, o: MonitorOptions = {}): Promise<AppReport> {
  const log = o.log ?? ((line: string) => console.error(line));
  let last = '';
  for (;;) {
    if (o.signal?.aborted) throw new YarnError(`Stopped watching ${applicationId}`);
    const report = await rm.app(applicationId);
    if (report.state !== last) {
      last = report.state;
      log(`${applicationId} state ${report.state}${report.trackingUrl ? ` (tracking URL: ${report.trackingUrl})` : ''}`);
    }
    if (TERMINAL_STATES.has(report.state)) {
      if (report.state === 'FAILED' || (report.state === 'FINISHED' && report.finalStatus === 'FAILED')) {
        const logs = report.amContainerLogs ? ` AM logs: ${report.amContainerLogs}` : '';
        throw new YarnError(`YARN application ${applicationId} failed. ${explainDiagnostics(report.diagnostics, queue)}${logs}`);
      }
      if (report.state === 'KILLED') throw new YarnError(`YARN application ${applicationId} was killed${report.diagnostics ? `: ${report.diagnostics}` : ''}`);
      return report;
    }
    if (o.until?.has(report.state)) return report;
    await sleep(o.intervalMs ?? 1000);
  }
}
