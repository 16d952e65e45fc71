import axios, { type AxiosInstance, type AxiosResponse, type Method } from 'axios';
import type { RmEndpoint } from '../config/rm-endpoints.js';
import { YarnRestError } from '../yarn-errors.js';
import { asNumber, asString, remoteException, unwrap } from './lenient-json.js';

export interface RmRestOptions {
  /** Sent as ?user.name= on write calls (non-Kerberos clusters); omitted when undefined. */
  user?: string;
  timeoutMs?: number;
}

export interface NewApplication {
  applicationId: string;
  maxMemoryMiB?: number;
  maxVCores?: number;
}

/** The fields of GET /ws/v1/cluster/apps/{id} this adapter uses (RM REST docs, "Cluster Application API"). */
export interface AppReport {
  id: string;
  state: string;
  finalStatus: string;
  diagnostics: string;
  trackingUrl?: string;
  queue?: string;
  amContainerLogs?: string;
  amHostHttpAddress?: string;
}

export const TERMINAL_STATES = new Set(['FINISHED', 'FAILED', 'KILLED']);

/**
 * The ResourceManager's REST API (`/ws/v1/cluster`) with HA failover: it finds the ACTIVE RM by
 * probing `/ws/v1/cluster/info` (which a standby answers without redirecting), and probes again
 * when the RM it uses answers 307 (standby) or cannot be reached.
 */
export class RmRestClient {
  private active: RmEndpoint | undefined;
  private readonly http: AxiosInstance;

  constructor(
    readonly endpoints: readonly RmEndpoint[],
    private readonly options: RmRestOptions = {},
  ) {
    if (endpoints.length === 0) throw new YarnRestError('No ResourceManager configured');
    this.http = axios.create({
      timeout: options.timeoutMs ?? 30_000,
      maxRedirects: 0, // a 307 means "standby": re-probe rather than blindly follow
      validateStatus: () => true,
      headers: { Accept: 'application/json' },
      proxy: false,
    });
    if (endpoints.length === 1) this.active = endpoints[0];
  }

  /** The RM currently believed active (after the first call). */
  get activeEndpoint(): RmEndpoint | undefined {
    return this.active;
  }

  async newApplication(): Promise<NewApplication> {
    const r = await this.call('POST', '/ws/v1/cluster/apps/new-application', undefined, true);
    this.expect(r, [200], 'new-application');
    const body = unwrap(r.data, 'NewApplication');
    const applicationId = asString(body['application-id']);
    if (!applicationId) throw new YarnRestError(`new-application answered without an application-id: ${JSON.stringify(r.data)}`, r.status);
    const max = unwrap(body['maximum-resource-capability'], '__none__');
    return { applicationId, maxMemoryMiB: asNumber(max['memory']), maxVCores: asNumber(max['vCores']) };
  }

  /** POST /ws/v1/cluster/apps; success is 202 (even for an unknown queue: poll to learn). */
  async submit(submission: Record<string, unknown>): Promise<void> {
    const r = await this.call('POST', '/ws/v1/cluster/apps', submission, true);
    this.expect(r, [200, 202], 'submit');
  }

  async app(applicationId: string): Promise<AppReport> {
    const r = await this.call('GET', `/ws/v1/cluster/apps/${encodeURIComponent(applicationId)}`);
    this.expect(r, [200], `application ${applicationId}`);
    const a = unwrap(r.data, 'app');
    return {
      id: asString(a['id']) ?? applicationId,
      state: asString(a['state']) ?? 'UNKNOWN',
      finalStatus: asString(a['finalStatus']) ?? 'UNDEFINED',
      diagnostics: asString(a['diagnostics']) ?? '',
      trackingUrl: asString(a['trackingUrl']) || undefined,
      queue: asString(a['queue']),
      amContainerLogs: asString(a['amContainerLogs']) || undefined,
      amHostHttpAddress: asString(a['amHostHttpAddress']) || undefined,
    };
  }

  /** PUT state KILLED: 202 while the kill runs, 200 once done; repeats until 200 or timeout. */
  async kill(applicationId: string, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.call('PUT', `/ws/v1/cluster/apps/${encodeURIComponent(applicationId)}/state`, { state: 'KILLED' }, true);
      this.expect(r, [200, 202], `kill of ${applicationId}`);
      const state = asString(unwrap(r.data, 'appstate')['state']) ?? (r.status === 200 ? 'KILLED' : 'KILLING');
      if (r.status === 200) return state;
      if (Date.now() > deadline) throw new YarnRestError(`The ResourceManager did not finish killing ${applicationId} within ${timeoutMs} ms`);
      await sleep(500);
    }
  }

  /** One call with failover: unreachable or standby → find the active RM and retry once per RM. */
  private async call(method: Method, path: string, data?: unknown, write = false): Promise<AxiosResponse> {
    const params = write && this.options.user ? { 'user.name': this.options.user } : undefined;
    let lastError: unknown;
    for (let attempt = 0; attempt <= this.endpoints.length; attempt++) {
      const rm = this.active ?? (await this.findActive());
      try {
        const r = await this.http.request({ method, url: rm.webappUrl + path, data, params, headers: data === undefined ? {} : { 'Content-Type': 'application/json' } });
        if (r.status === 307 && this.endpoints.length > 1) {
          this.active = undefined; // standby: RMWebAppFilter redirects everything but /info
          lastError = new YarnRestError(`ResourceManager ${describe(rm)} is standby`, 307);
          continue;
        }
        return r;
      } catch (e) {
        lastError = e;
        if (this.endpoints.length === 1) break;
        this.active = undefined;
      }
    }
    throw unreachable(this.endpoints, lastError);
  }

  /** Probes every RM's /ws/v1/cluster/info and keeps the one whose haState is ACTIVE. */
  async findActive(): Promise<RmEndpoint> {
    const states: string[] = [];
    for (const rm of this.endpoints) {
      try {
        const r = await this.http.get(rm.webappUrl + '/ws/v1/cluster/info');
        const info = unwrap(r.data, 'clusterInfo');
        const ha = asString(info['haState']);
        states.push(`${describe(rm)}: ${r.status === 200 ? (ha ?? 'no haState') : `HTTP ${r.status}`}`);
        if (r.status === 200 && (ha === 'ACTIVE' || (ha === undefined && this.endpoints.length === 1))) {
          this.active = rm;
          return rm;
        }
      } catch (e) {
        states.push(`${describe(rm)}: ${(e as Error).message}`);
      }
    }
    throw new YarnRestError(`No active ResourceManager among ${this.endpoints.length}: ${states.join('; ')} (check yarn.resourcemanager.ha.rm-ids and the webapp addresses)`);
  }

  private expect(r: AxiosResponse, ok: number[], what: string): void {
    if (ok.includes(r.status)) return;
    const re = remoteException(r.data);
    const detail = re ? `${re.exception ?? re.javaClassName ?? 'RemoteException'}: ${re.message ?? ''}`.trim() : typeof r.data === 'string' ? r.data.slice(0, 300) : JSON.stringify(r.data)?.slice(0, 300);
    const hint =
      r.status === 401 || r.status === 403
        ? ' (not authorised: on a non-Kerberos cluster the adapter sends ?user.name=; set kindling.yarn.user or check the queue ACLs; Kerberos/SPNEGO is not supported yet)'
        : r.status === 404
          ? ' (not found: is the application id right, and is this the ResourceManager\'s webapp address?)'
          : '';
    throw new YarnRestError(`ResourceManager ${what} failed with HTTP ${r.status}: ${detail}${hint}`, r.status, re?.exception);
  }
}

function describe(rm: RmEndpoint): string {
  return rm.id ? `${rm.id} (${rm.webappUrl})` : rm.webappUrl;
}

function unreachable(endpoints: readonly RmEndpoint[], e: unknown): YarnRestError {
  if (e instanceof YarnRestError) return e;
  const msg = (e as Error)?.message ?? String(e);
  return new YarnRestError(`Cannot reach the ResourceManager at ${endpoints.map(describe).join(', ')}: ${msg} (check yarn.resourcemanager.webapp.address in yarn-site.xml)`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
