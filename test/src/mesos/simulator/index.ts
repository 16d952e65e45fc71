export { MesosMasterSimulator, HttpError, type MasterSimulatorOptions } from './mesos-master-simulator.js';
export { SimulatedCluster, type AgentSpec, type SimTask } from './sim-agents.js';

import { MesosMasterSimulator, type MasterSimulatorOptions } from './mesos-master-simulator.js';
import { SimulatedCluster, type AgentSpec } from './sim-agents.js';

export interface MesosSimulation {
  cluster: SimulatedCluster;
  master: MesosMasterSimulator;
  /** Stops the master, then kills every agent process and removes the sandboxes. */
  stop(): Promise<void>;
}

/** A simulated cluster with its leading master; test-sized timings unless overridden. */
export async function startMesosSimulation(
  agents: AgentSpec[],
  options: Partial<Omit<MasterSimulatorOptions, 'cluster'>> & { statusRetryMs?: { initial: number; max: number } } = {},
): Promise<MesosSimulation> {
  const { statusRetryMs, ...masterOptions } = options;
  const cluster = new SimulatedCluster({ agents, statusRetryMs: statusRetryMs ?? { initial: 1000, max: 5000 } });
  const master = await MesosMasterSimulator.start({ cluster, heartbeatIntervalMs: 1000, allocationIntervalMs: 100, ...masterOptions });
  return {
    cluster,
    master,
    stop: async () => {
      await master.stop();
      await cluster.stop();
    },
  };
}
