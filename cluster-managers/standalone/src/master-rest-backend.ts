/** What the REST submission server asks of the master: drivers from package archives on this machine. */
import { parseMemoryMiB } from '@kindling/core/cluster-manager';
import type { MasterDrivers } from './master-drivers.js';
import type { RestBackend } from './rest-submission-server.js';
import { StandaloneError } from './standalone-error.js';

export function driverRestBackend(drivers: MasterDrivers, alive: () => boolean, schedule: () => void): RestBackend {
  return {
    submit: async (r) => {
      if (!alive()) throw new StandaloneError('Current state is not alive. Can only accept driver submissions in ALIVE state.');
      const { hash, size } = drivers.importPackage(r.appResource);
      const conf = Object.fromEntries(Object.entries(r.conf).filter(([k]) => k !== 'kindling.authenticate.secret'));
      const d = drivers.submit({
        appName: conf['kindling.app.name']!,
        conf,
        appArgs: r.appArgs,
        supervise: conf['kindling.driver.supervise'] === 'true',
        memoryMib: parseMemoryMiB(conf['kindling.driver.memory'] ?? '1g'),
        cores: Number(conf['kindling.driver.cores'] ?? 1),
        packageHash: hash,
        packageSize: size,
        entry: r.entry,
      });
      schedule();
      return d.id;
    },
    status: (id) => drivers.status(id),
    kill: (id) => drivers.kill(id),
  };
}
