/**
 * kindling-submit's configuration flags and the kindling.* keys they set, mirroring spark-submit's
 * flag → property mapping (spark.executor.instances → kindling.executor.instances, ...). One table
 * drives the commander options, the resolution and --verbose's sources.
 */

/** The cluster-manager family a master URL belongs to; flags are checked against it. */
export type ManagerKind = 'local' | 'standalone' | 'yarn' | 'mesos' | 'k8s' | 'other';

export function managerKind(master: string): ManagerKind {
  if (master.startsWith('local')) return 'local';
  if (master.startsWith('spark://')) return 'standalone';
  if (master === 'yarn') return 'yarn';
  if (master.startsWith('mesos://')) return 'mesos';
  if (master.startsWith('k8s://')) return 'k8s';
  return 'other';
}

/** How a flag's value is checked (the messages are spark-submit's). */
export type FlagValueKind = 'text' | 'memory' | 'positive-int' | 'boolean' | 'list';

export interface ConfigFlag {
  /** The long option, e.g. '--executor-memory'. */
  readonly flag: string;
  /** Commander's attribute name for it. */
  readonly attr: string;
  /** Value placeholder in --help; absent for boolean switches. */
  readonly placeholder?: string;
  readonly key: string;
  readonly kind: FlagValueKind;
  readonly help: string;
  /** Spark reads MASTER, DEPLOY_MODE, SPARK_DRIVER_MEMORY, ...; these are the Kindling names. */
  readonly env?: string;
  /** Spark's wording for a bad value (validateSubmitArguments). */
  readonly label?: string;
  /** The managers the flag applies to; absent: all. Only checked for the flag itself, not for --conf. */
  readonly managers?: readonly ManagerKind[];
  /** Only meaningful in cluster deploy mode. */
  readonly clusterModeOnly?: boolean;
  /** How --help and errors name where it applies (spark-submit's usage headings). */
  readonly appliesTo?: string;
}

export const DEPLOY_MODE_KEY = 'kindling.submit.deployMode';

export const CONFIG_FLAGS: readonly ConfigFlag[] = [
  {
    flag: '--master', attr: 'master', placeholder: '<url>', key: 'kindling.master', kind: 'text', env: 'KINDLING_MASTER',
    help: 'local, local[N], local[*], local-cluster[N,C,M], spark://host:port, yarn, mesos://host:port, k8s://... (default: local[*])',
  },
  {
    flag: '--deploy-mode', attr: 'deployMode', placeholder: '<mode>', key: DEPLOY_MODE_KEY, kind: 'text', env: 'KINDLING_DEPLOY_MODE',
    help: 'client: run the driver here (default); cluster: run it on the cluster from the shipped package',
  },
  { flag: '--name', attr: 'name', placeholder: '<name>', key: 'kindling.app.name', kind: 'text', help: 'application name (default: the app file name without extension)' },
  {
    flag: '--driver-memory', attr: 'driverMemory', placeholder: '<mem>', key: 'kindling.driver.memory', kind: 'memory',
    env: 'KINDLING_DRIVER_MEMORY', label: 'Driver memory', help: "driver heap, e.g. 2g (in client mode it sizes this driver's Node heap)",
  },
  {
    flag: '--driver-cores', attr: 'driverCores', placeholder: '<n>', key: 'kindling.driver.cores', kind: 'positive-int',
    label: 'Driver cores', clusterModeOnly: true, appliesTo: 'cluster deploy mode only', help: 'cores for the driver (cluster deploy mode only; default 1)',
  },
  {
    flag: '--executor-memory', attr: 'executorMemory', placeholder: '<mem>', key: 'kindling.executor.memory', kind: 'memory',
    env: 'KINDLING_EXECUTOR_MEMORY', label: 'Executor memory', help: 'heap per executor, e.g. 1g (default 1g)',
  },
  {
    flag: '--executor-cores', attr: 'executorCores', placeholder: '<n>', key: 'kindling.executor.cores', kind: 'positive-int',
    env: 'KINDLING_EXECUTOR_CORES', label: 'Executor cores', managers: ['standalone', 'yarn', 'mesos', 'k8s'],
    appliesTo: 'standalone, YARN, Mesos and Kubernetes masters only', help: 'cores per executor (standalone, YARN, Mesos, Kubernetes)',
  },
  {
    flag: '--num-executors', attr: 'numExecutors', placeholder: '<n>', key: 'kindling.executor.instances', kind: 'positive-int',
    label: 'Number of executors', managers: ['yarn', 'k8s'], appliesTo: 'YARN and Kubernetes masters only',
    help: 'executors to start (YARN, Kubernetes; default 2)',
  },
  {
    flag: '--total-executor-cores', attr: 'totalExecutorCores', placeholder: '<n>', key: 'kindling.cores.max', kind: 'positive-int',
    label: 'Total executor cores', managers: ['standalone', 'mesos', 'k8s'], appliesTo: 'standalone, Mesos and Kubernetes masters only',
    help: 'cores for all executors together (standalone, Mesos, Kubernetes)',
  },
  {
    flag: '--queue', attr: 'queue', placeholder: '<queue>', key: 'kindling.yarn.queue', kind: 'text', managers: ['yarn'],
    appliesTo: "master 'yarn' only", help: 'YARN queue to submit to (YARN only; default "default")',
  },
  {
    flag: '--supervise', attr: 'supervise', key: 'kindling.driver.supervise', kind: 'boolean', managers: ['standalone', 'mesos'],
    clusterModeOnly: true, appliesTo: 'standalone or Mesos masters with cluster deploy mode only',
    help: 'restart the driver when it exits non-zero (standalone or Mesos, cluster deploy mode)',
  },
  {
    flag: '--files', attr: 'files', placeholder: '<files>', key: 'kindling.files', kind: 'list',
    help: "comma-separated files shipped to each executor's working directory (KindlingFiles.get(name))",
  },
  {
    flag: '--archives', attr: 'archives', placeholder: '<archives>', key: 'kindling.archives', kind: 'list',
    help: "comma-separated archives extracted into each executor's working directory",
  },
];

/** The flag that sets `key`, if any. */
export function flagForKey(key: string): ConfigFlag | undefined {
  return CONFIG_FLAGS.find((f) => f.key === key);
}
