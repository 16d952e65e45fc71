import { fileURLToPath } from 'node:url';
import { KindlingConf, rpcSettings, type DriverStatus, type DriverSubmission, type DriverSubmitRequest, type DriverSubmitter } from '@kindling/core/cluster-manager';
import { CLUSTER_DRIVER_ENV, encodeClusterDriver } from './am/cluster-driver.js';
import { shellLine, submissionBody } from './rest/app-submission.js';
import { explainDiagnostics } from './rest/diagnostics.js';
import { TERMINAL_STATES } from './rest/rm-rest-client.js';
import { appStaging, type AppStaging } from './staging/app-staging.js';
import { APP_LINK, CONTAINER_DIR, stageArchive } from './staging/shipped-packages.js';
import { YarnError } from './yarn-errors.js';
import { loadYarnCluster } from './yarn-cluster-manager.js';
import { memoryOverheadMiB } from './yarn-settings.js';

/** The cluster-mode driver entry inside the app package (the app depends on this adapter, as client mode needs too). */
const DRIVER_MAIN = `${CONTAINER_DIR}/${APP_LINK}/node_modules/@kindling/cluster-manager-yarn/dist/am/cluster-driver-main.js`;

/**
 * Cluster deploy mode: the driver runs in the AM container from the shipped package. submit()
 * returns the YARN application id, which --status and --kill take.
 */
export class YarnDriverSubmitter implements DriverSubmitter {
  private readonly staged = new Map<string, AppStaging>();

  constructor(private readonly conf: KindlingConf) {}

  async submit(request: DriverSubmitRequest): Promise<DriverSubmission> {
    const conf = new KindlingConf({ ...this.conf.toRecord(), ...request.conf });
    const { hadoop, endpoints, settings, rm } = await loadYarnCluster(conf);
    const { applicationId, maxMemoryMiB } = await rm.newApplication();
    const memory = request.driverMemoryMiB + (conf.has('kindling.driver.memoryOverhead') ? Number(conf.get('kindling.driver.memoryOverhead')) : memoryOverheadMiB(request.driverMemoryMiB));
    if (maxMemoryMiB !== undefined && memory > maxMemoryMiB) {
      throw new YarnError(`The driver's container needs ${memory} MiB (kindling.driver.memory ${request.driverMemoryMiB} + overhead) but the cluster's maximum is ${maxMemoryMiB} MiB (yarn.scheduler.maximum-allocation-mb); lower --driver-memory`);
    }
    const staging = appStaging(hadoop, { applicationId, user: settings.user, stagingDir: settings.stagingDir });
    const appResource = await stageArchive(staging, request.appPackage, 'app.tgz');
    this.staged.set(applicationId, staging);
    const secret = rpcSettings(conf).secret;
    await rm.submit(
      submissionBody({
        applicationId,
        name: request.appName,
        queue: settings.queue,
        memoryMiB: memory,
        vCores: request.driverCores,
        maxAppAttempts: request.supervise ? Math.max(2, settings.maxAppAttempts) : settings.maxAppAttempts,
        tags: settings.tags,
        localResources: { [APP_LINK]: appResource },
        environment: {
          [CLUSTER_DRIVER_ENV]: encodeClusterDriver({
            entry: request.appPackage.entry,
            args: [...request.appArgs],
            appName: request.appName,
            conf: request.conf as Record<string, string>,
            schedulers: endpoints.map((e) => e.scheduler),
            appResource,
            localStagingDir: staging.location.startsWith('file:') ? fileURLToPath(staging.location) : undefined,
          }),
          ...(secret ? { KINDLING_AUTH_SECRET: secret } : {}),
        },
        command: shellLine([
          [settings.nodePath, 'kindling.yarn.node'],
          [`--max-old-space-size=${request.driverMemoryMiB}`, 'the driver heap'],
          [DRIVER_MAIN, 'the cluster-mode driver entry'],
        ]),
      }),
    );
    return { submissionId: applicationId, message: `Submitted ${applicationId} to YARN queue '${settings.queue}' (cluster mode: the driver runs in the AM container)` };
  }

  async status(submissionId: string): Promise<DriverStatus> {
    const { rm } = await loadYarnCluster(this.conf);
    const r = await rm.app(submissionId);
    if (TERMINAL_STATES.has(r.state)) await this.staged.get(submissionId)?.remove().catch(() => {});
    const failed = r.state === 'FAILED' || r.finalStatus === 'FAILED';
    return {
      submissionId,
      state: r.state === 'FINISHED' ? (r.finalStatus === 'SUCCEEDED' ? 'FINISHED' : r.finalStatus) : r.state,
      location: r.trackingUrl ?? r.amHostHttpAddress,
      message: failed ? explainDiagnostics(r.diagnostics, r.queue) : r.diagnostics || undefined,
    };
  }

  async kill(submissionId: string): Promise<DriverStatus> {
    const { rm } = await loadYarnCluster(this.conf);
    const state = await rm.kill(submissionId);
    await this.staged.get(submissionId)?.remove().catch(() => {});
    return { submissionId, state, message: `Killed ${submissionId}` };
  }
}
