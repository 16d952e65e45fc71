/** @kindling/deploy: kindling-submit and the pieces it is made of. */
export { validateMasterUrl } from './master-url.js';
export { parseProperties, loadPropertiesFile } from './properties-file.js';
export {
  APP_EXTENSIONS,
  MissingAppError,
  parseConfPair,
  resolveSubmitArguments,
  type ResolveContext,
  type SubmitArguments,
  type SubmitOptions,
} from './submit-arguments.js';
export { buildLaunchCommand, formatCommand, submitEnvironment, TSX_PRELOAD_URL, type LaunchCommand } from './launch-command.js';
export { launch } from './submit.js';
export { createSubmitCommand, runSubmitCli, type SubmitIo } from './submit-cli.js';
export { tsxRegistersInWorkers } from './tsx-worker-hooks.js';
