import { expect } from 'chai';
import { MasterUrlError } from '@kindling/core';
import { resolveSubmitArguments, type SubmitOptions } from './submit-arguments.js';
import { SubmitUsageError } from './submit-validation.js';
import { useTempDir } from './deploy.test-helper.js';

/** Each check, with the message users see (spark-submit's wording where it has one). */
const ERRORS: Array<[string, SubmitOptions, string, NodeJS.ProcessEnv?]> = [
  ['bad --deploy-mode', { deployMode: 'server' }, '--deploy-mode must be either "client" or "cluster"'],
  ['bad deploy mode from --conf', { conf: ['kindling.submit.deployMode=x'] }, "Deploy mode must be either client or cluster (kindling.submit.deployMode = 'x' from --conf)"],
  ['bad deploy mode from the environment', {}, "Deploy mode must be either client or cluster (kindling.submit.deployMode = 'y' from environment KINDLING_DEPLOY_MODE)", { KINDLING_DEPLOY_MODE: 'y' }],
  ['cluster mode on local', { master: 'local[2]', deployMode: 'cluster' }, `Cluster deploy mode is not compatible with master "local" (got 'local[2]'); use --deploy-mode client, or a cluster master such as spark://host:7077`],
  ['cluster mode on local-cluster', { master: 'local-cluster[2,1,512]', deployMode: 'cluster' }, 'Cluster deploy mode is not compatible with master "local"'],
  ['cluster mode on the default master', { deployMode: 'cluster' }, `Cluster deploy mode is not compatible with master "local" (got 'local[*]')`],
  ['--driver-memory', { driverMemory: '0' }, "Driver memory must be a positive number (got '0'); give a size such as 512m or 2g"],
  ['--executor-memory', { executorMemory: 'lots' }, "Executor memory must be a positive number (got 'lots'); give a size such as 512m or 2g"],
  ['executor memory from --conf', { conf: ['kindling.executor.memory=-1g'] }, "Executor memory must be a positive number (kindling.executor.memory = '-1g' from --conf)"],
  ['--driver-cores', { master: 'spark://h:7077', deployMode: 'cluster', driverCores: '0' }, "Driver cores must be a positive number (got '0')"],
  ['--executor-cores', { master: 'yarn', executorCores: '1.5' }, "Executor cores must be a positive number (got '1.5'); give a whole number such as 2"],
  ['--total-executor-cores', { master: 'spark://h:7077', totalExecutorCores: 'x' }, "Total executor cores must be a positive number (got 'x')"],
  ['--num-executors', { master: 'yarn', numExecutors: '0' }, "Number of executors must be a positive number (got '0')"],
  ['supervise from --conf', { conf: ['kindling.driver.supervise=yes'] }, "kindling.driver.supervise must be true or false (kindling.driver.supervise = 'yes' from --conf)"],
  ['--files with an empty entry', { files: 'a.txt,,b.txt' }, "--files must be a comma-separated list without empty entries (got '/"],
  ['--queue without yarn', { master: 'spark://h:7077', queue: 'q' }, "--queue is not supported with master 'spark://h:7077': it applies to master 'yarn' only. Remove --queue or choose a fitting --master."],
  ['--total-executor-cores on yarn', { master: 'yarn', totalExecutorCores: '4' }, "--total-executor-cores is not supported with master 'yarn': it applies to standalone, Mesos and Kubernetes masters only."],
  ['--num-executors on standalone', { master: 'spark://h:7077', numExecutors: '2' }, "--num-executors is not supported with master 'spark://h:7077': it applies to YARN and Kubernetes masters only."],
  ['--executor-cores on local-cluster', { master: 'local-cluster[2,1,512]', executorCores: '2' }, '(local-cluster[N,C,M] sets the cores per executor in the URL)'],
  ['--supervise on yarn', { master: 'yarn', deployMode: 'cluster', supervise: true }, "--supervise is not supported with master 'yarn': it applies to standalone or Mesos masters with cluster deploy mode only."],
  ['--supervise in client mode', { master: 'spark://h:7077', supervise: true }, '--supervise is not supported in client deploy mode: it applies to standalone or Mesos masters with cluster deploy mode only. Add --deploy-mode cluster or remove --supervise.'],
  ['--driver-cores in client mode', { master: 'spark://h:7077', driverCores: '2' }, '--driver-cores is not supported in client deploy mode: it applies to cluster deploy mode only.'],
  ['both --kill and --status', { kill: 'a', status: 'b', master: 'spark://h:7077' }, 'Action cannot be both --kill and --status; give one of them'],
  ['--kill with an empty id', { kill: ' ', master: 'spark://h:7077' }, 'Please specify a submission to kill.'],
  ['--status with an empty id', { status: '', master: 'spark://h:7077' }, 'Please specify a submission to request status for.'],
  ['--kill without a master', { kill: 'driver-1' }, '--kill needs the master that runs the driver: kindling-submit --kill <submission ID> --master <url>'],
  ['--status without a master', { status: 'driver-1' }, '--status needs the master that runs the driver: kindling-submit --status <submission ID> --master <url>'],
  ['--kill on local', { kill: 'driver-1', master: 'local[2]' }, "--kill is not supported with master 'local[2]': local masters run drivers in client deploy mode only"],
  ['an empty --name', { name: ' ' }, "The application name must not be empty (got ' ')"],
];

describe('deploy/validateSubmit', () => {
  const tmp = useTempDir();
  before(() => {
    tmp.write('app.ts');
    for (const f of ['a.txt', 'b.txt', 'x.tgz']) tmp.write(f);
  });
  const resolve = (options: SubmitOptions, env: NodeJS.ProcessEnv = {}) =>
    resolveSubmitArguments(options.kill !== undefined || options.status !== undefined ? undefined : 'app.ts', [], options, {
      cwd: tmp.dir,
      env,
      warn: () => undefined,
    });

  for (const [what, options, message, env] of ERRORS) {
    it(`refuses ${what}`, () => {
      expect(() => resolve(options, env)).to.throw(SubmitUsageError).with.property('message').that.includes(message);
    });
  }

  it('accepts every flag where it applies', () => {
    const ok: SubmitOptions[] = [
      { master: 'yarn', queue: 'q', numExecutors: '3', executorCores: '2', executorMemory: '2g', driverMemory: '1g' },
      { master: 'spark://h:7077', deployMode: 'cluster', supervise: true, totalExecutorCores: '8', executorCores: '2', driverCores: '2' },
      { master: 'mesos://h:5050', deployMode: 'cluster', supervise: true, totalExecutorCores: '8' },
      { master: 'k8s://https://h:6443', numExecutors: '2', totalExecutorCores: '4' },
      { master: 'local-cluster[2,1,512]', executorMemory: '256m', files: 'a.txt,b.txt', archives: 'x.tgz' },
      // An adapter registered through kindling.clusterManagers decides for itself.
      { master: 'fake://2', queue: 'q', supervise: true, deployMode: 'cluster' },
      { master: 'yarn', numExecutors: '0', conf: ['kindling.dynamicAllocation.enabled=true'] },
    ];
    for (const o of ok) expect(() => resolve(o), JSON.stringify(o)).not.to.throw();
  });

  it('leaves keys that do not fit the master alone when they come from a properties file (shared defaults)', () => {
    tmp.write('shared.conf', 'kindling.yarn.queue prod\nkindling.cores.max 8\n');
    expect(resolve({ master: 'local[2]', propertiesFile: 'shared.conf' }).settings.get('kindling.yarn.queue')).to.equal('prod');
  });

  it('refuses a bad master from the properties file with its source', () => {
    const file = tmp.write('bad-master.conf', 'kindling.master spark-master:7077\n');
    expect(() => resolve({ propertiesFile: 'bad-master.conf' })).to.throw(MasterUrlError, `(kindling.master = 'spark-master:7077' from properties file ${file})`);
  });
});
