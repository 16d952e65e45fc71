import { IllegalArgumentError, MasterUrlError } from '@kindling/core';
import { parseMemoryMiB } from '@kindling/core/cluster-manager';
import { describeSource, type SourcedConf } from './conf-sources.js';
import { validateMasterUrl } from './master-url.js';
import { CONFIG_FLAGS, DEPLOY_MODE_KEY, managerKind, type ConfigFlag } from './submit-options.js';

/** A command line that does not make sense; kindling-submit prints it with a usage hint. */
export class SubmitUsageError extends IllegalArgumentError {}

export interface ValidatedSubmit {
  master: string;
  deployMode: 'client' | 'cluster';
  name: string;
}

/**
 * spark-submit's checks (validateSubmitArguments, prepareSubmitEnvironment) with its wording where it
 * has one, plus the key, value and source when the value did not come from a flag, and the fix.
 * A flag that does not fit the master or deploy mode is an error (spark-submit silently ignores it);
 * the same key from --conf or a properties file is left alone, since defaults files are shared.
 */
export function validateSubmit(settings: SourcedConf, action: 'submit' | 'kill' | 'status'): ValidatedSubmit {
  const master = settings.get('kindling.master')!;
  try {
    validateMasterUrl(master);
  } catch (e) {
    throw new MasterUrlError(`${(e as Error).message}${origin(settings, 'kindling.master')}`);
  }
  const deployMode = checkDeployMode(settings);
  const name = settings.get('kindling.app.name') ?? '';
  if (action === 'submit' && name.trim() === '') throw new SubmitUsageError(`The application name must not be empty${origin(settings, 'kindling.app.name')}`);
  for (const f of CONFIG_FLAGS) checkValue(settings, f);

  if (action !== 'submit') {
    checkActionMaster(settings, action, master);
    return { master, deployMode, name };
  }
  const kind = managerKind(master);
  if (deployMode === 'cluster' && kind === 'local') {
    throw new SubmitUsageError(
      `Cluster deploy mode is not compatible with master "local" (got '${master}'); use --deploy-mode client, or a cluster master such as spark://host:7077`,
    );
  }
  for (const f of CONFIG_FLAGS) {
    if (settings.entry(f.key)?.source.kind !== 'flag') continue;
    if (f.managers && kind !== 'other' && !f.managers.includes(kind)) {
      const hint = kind === 'local' && f.key === 'kindling.executor.cores' ? ' (local-cluster[N,C,M] sets the cores per executor in the URL)' : '';
      throw new SubmitUsageError(
        `${f.flag} is not supported with master '${master}': it applies to ${f.appliesTo}${hint}. Remove ${f.flag} or choose a fitting --master.`,
      );
    }
    if (f.clusterModeOnly && deployMode !== 'cluster') {
      throw new SubmitUsageError(
        `${f.flag} is not supported in client deploy mode: it applies to ${f.appliesTo}. Add --deploy-mode cluster or remove ${f.flag}.`,
      );
    }
  }
  return { master, deployMode, name };
}

function checkDeployMode(settings: SourcedConf): 'client' | 'cluster' {
  const entry = settings.entry(DEPLOY_MODE_KEY)!;
  if (entry.value === 'client' || entry.value === 'cluster') return entry.value;
  if (entry.source.kind === 'flag') throw new SubmitUsageError('--deploy-mode must be either "client" or "cluster"');
  throw new SubmitUsageError(`Deploy mode must be either client or cluster${origin(settings, DEPLOY_MODE_KEY)}`);
}

/** Spark's "... must be a positive number" messages, for the flag or the key behind it. */
function checkValue(settings: SourcedConf, f: ConfigFlag): void {
  const value = settings.get(f.key);
  if (value === undefined) return;
  switch (f.kind) {
    case 'memory': {
      let mib = NaN;
      try {
        mib = parseMemoryMiB(value);
      } catch {
        // reported below
      }
      if (!(mib > 0)) throw new SubmitUsageError(`${f.label} must be a positive number${origin(settings, f.key)}; give a size such as 512m or 2g`);
      return;
    }
    case 'positive-int': {
      const n = Number(value.trim());
      // With dynamic allocation --num-executors is only the initial count, which may be 0.
      const zeroOk = f.key === 'kindling.executor.instances' && settings.get('kindling.dynamicAllocation.enabled') === 'true';
      if (value.trim() === '' || !Number.isInteger(n) || n < 0 || (n === 0 && !zeroOk)) {
        throw new SubmitUsageError(`${f.label} must be a positive number${origin(settings, f.key)}; give a whole number such as 2`);
      }
      return;
    }
    case 'boolean':
      if (value !== 'true' && value !== 'false') throw new SubmitUsageError(`${f.key} must be true or false${origin(settings, f.key)}`);
      return;
    case 'list':
      if (value.split(',').some((s) => s.trim() === '')) {
        throw new SubmitUsageError(`${f.flag} must be a comma-separated list without empty entries${origin(settings, f.key)}`);
      }
      return;
    default:
      return;
  }
}

function checkActionMaster(settings: SourcedConf, action: 'kill' | 'status', master: string): void {
  const flag = action === 'kill' ? '--kill' : '--status';
  if (settings.entry('kindling.master')!.source.kind === 'default') {
    throw new SubmitUsageError(`${flag} needs the master that runs the driver: kindling-submit ${flag} <submission ID> --master <url>`);
  }
  if (managerKind(master) === 'local') {
    throw new SubmitUsageError(
      `${flag} is not supported with master '${master}': local masters run drivers in client deploy mode only, so there is no submission to ${action === 'kill' ? 'kill' : 'query'}`,
    );
  }
}

/** ` (key = 'value' from source)` unless the value came from the flag itself, whose name is already in the message. */
function origin(settings: SourcedConf, key: string): string {
  const e = settings.entry(key);
  if (!e || e.source.kind === 'flag') return e ? ` (got '${e.value}')` : '';
  return ` (${key} = '${e.value}' from ${describeSource(e.source)})`;
}
