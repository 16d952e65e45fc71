/** @kindling/deploy: kindling-submit and the pieces it is made of. */
export { validateMasterUrl } from './master-url.js';
export { parseProperties, loadPropertiesFile } from './properties-file.js';
export {
  APP_EXTENSIONS,
  DEFAULTS_FILE_NAME,
  MissingAppError,
  parseConfPair,
  resolveSubmitArguments,
  type ResolveContext,
  type SubmitAction,
  type SubmitArguments,
  type SubmitOptions,
} from './submit-arguments.js';
export { CONFIG_FLAGS, managerKind, type ConfigFlag, type ManagerKind } from './submit-options.js';
export { SourcedConf, describeSource, type ConfSource, type SourcedValue } from './conf-sources.js';
export { SubmitUsageError, validateSubmit } from './submit-validation.js';
export { verboseReport } from './verbose-report.js';
export { packApplicationForCluster } from './app-packer.js';
export { runClusterAction, submitRequest, type AppPacker, type ClusterDeployIo } from './cluster-deploy.js';
export { buildLaunchCommand, childConf, formatCommand, submitEnvironment, TSX_PRELOAD_URL, type LaunchCommand } from './launch-command.js';
export { launch } from './submit.js';
export { watchSubmitter } from './submitter-lifeline.js';
export { createSubmitCommand, runSubmitCli, type SubmitIo } from './submit-cli.js';
export { tsxRegistersInWorkers } from './tsx-worker-hooks.js';
