import { ClusterManagerError, KindlingConf } from '@kindling/core';
import {
  ClusterManagerRegistry,
  parseMemoryMiB,
  type AppPackage,
  type DriverStatus,
  type DriverSubmitRequest,
  type DriverSubmitter,
} from '@kindling/core/cluster-manager';
import { childConf } from './launch-command.js';
import type { SubmitArguments } from './submit-arguments.js';

/** Builds the application's package (code, package.json, lockfile, node_modules) for cluster mode. */
export type AppPacker = (args: SubmitArguments & { appPath: string }, conf: KindlingConf) => Promise<AppPackage>;

export interface ClusterDeployIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  packApp: AppPacker;
}

/** Spark's spark.driver.memory and spark.driver.cores defaults. */
const DEFAULT_DRIVER_MEMORY = '1g';
const DEFAULT_DRIVER_CORES = 1;

/**
 * Cluster deploy mode, --status and --kill: the cluster manager for the master (from the same
 * registry KindlingContext uses, so kindling.clusterManagers adapters count) does the work through
 * its DriverSubmitter. A manager without one has no cluster deploy mode yet, and the error says so.
 */
export async function runClusterAction(args: SubmitArguments, io: ClusterDeployIo): Promise<number> {
  // The manager sees the full configuration (it may need the secret to reach its master).
  const conf = new KindlingConf(args.settings.toRecord());
  const submitter = await driverSubmitterFor(args, conf);
  switch (args.action) {
    case 'status':
      io.stdout(formatStatus(await submitter.status(args.submissionId!)));
      return 0;
    case 'kill':
      io.stdout(formatStatus(await submitter.kill(args.submissionId!)));
      return 0;
    case 'submit': {
      const appPackage = await io.packApp(args as SubmitArguments & { appPath: string }, conf);
      const submission = await submitter.submit(submitRequest(args, appPackage));
      if (submission.message) io.stderr(`${submission.message}\n`);
      io.stdout(`Submission ID: ${submission.submissionId}\n`);
      return 0;
    }
  }
}

/** The request a DriverSubmitter gets: the app's conf without the secret, which travels out of band. */
export function submitRequest(args: SubmitArguments, appPackage: AppPackage): DriverSubmitRequest {
  const s = args.settings;
  return {
    masterUrl: args.master,
    appName: args.name,
    conf: { ...childConf(args), 'kindling.master': args.master, 'kindling.submit.deployMode': 'cluster' },
    appPackage,
    appArgs: [...args.appArgs],
    supervise: s.get('kindling.driver.supervise') === 'true',
    driverMemoryMiB: parseMemoryMiB(s.get('kindling.driver.memory') ?? DEFAULT_DRIVER_MEMORY),
    driverCores: Number(s.get('kindling.driver.cores') ?? DEFAULT_DRIVER_CORES),
  };
}

async function driverSubmitterFor(args: SubmitArguments, conf: KindlingConf): Promise<DriverSubmitter> {
  const registry = await ClusterManagerRegistry.fromConf(conf);
  const manager = registry.select(args.master);
  if (!manager.driverSubmitter) {
    const what = args.action === 'submit' ? 'Cluster deploy mode is' : `--${args.action} (which needs cluster deploy mode) is`;
    throw new ClusterManagerError(
      `${what} not implemented for the ${manager.name} cluster manager (master '${args.master}') yet; ` +
        (args.action === 'submit' ? 'use --deploy-mode client' : 'its drivers run in client mode, where kindling-submit itself is the driver'),
    );
  }
  return manager.driverSubmitter(args.master, conf);
}

function formatStatus(s: DriverStatus): string {
  const lines = [`Submission ${s.submissionId}: ${s.state}`];
  if (s.location) lines.push(`  location: ${s.location}`);
  if (s.message) lines.push(`  message:  ${s.message}`);
  return `${lines.join('\n')}\n`;
}
